import { randomUUID } from 'node:crypto';
import { canonicalOwner, ChainmailError, type ErrorCode } from '@chainmail/contracts';
import type { RunMode } from '@chainmail/contracts';
import type { BindingCatalog, TriggerBindings } from '../bindings/trigger-bindings';
import type { InboundEntry, InboundRecorder } from '../inbound/inbound-record';
import { derivedRunId } from '../runs/run-ids';
import type { StartedRun } from '../runs/start-run.usecase';
import type { RunStarter } from '../runs/traced-run-starter';
import { resolveHookSecret, type SecretLookup } from './hook-secret';
import { webhookInputs } from './webhook-inputs';
import { checkSignature } from './webhook-signature';

export interface WebhookCall {
  path: string;
  /** The raw body, or how large it was when over the limit (not kept). */
  body: { raw: Buffer } | { tooLarge: true; bytes: number; limit: number };
  contentType?: string;
  signature?: string;
  idempotencyKey?: string;
  remoteAddress?: string;
}

export interface WebhookAccepted {
  runId: string;
  workflow: string;
  version: number;
  mode: RunMode;
  duplicate: boolean;
}

export interface WebhookSettings {
  /** The workflow owner's secrets, for `{{secrets.NAME}}` in a trigger's secret. */
  secretOf: SecretLookup;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `POST /hooks/:path`: find the bound workflow, check the signature when its trigger has a
 * secret, and start one run per Idempotency-Key. Every call is recorded, accepted or refused;
 * a refusal starts nothing and answers with a coded error.
 */
export class ReceiveWebhookUseCase {
  constructor(
    private readonly bindings: TriggerBindings,
    private readonly catalog: Pick<BindingCatalog, 'active'>,
    private readonly starter: RunStarter,
    private readonly recorder: InboundRecorder,
    private readonly settings: WebhookSettings,
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {}

  async receive(call: WebhookCall): Promise<WebhookAccepted> {
    const entry: InboundEntry = {
      id: this.newId(),
      channel: 'webhook',
      receivedAt: this.clock(),
      status: 'refused',
      path: call.path,
      idempotencyKey: call.idempotencyKey,
      sizeBytes: 'raw' in call.body ? call.body.raw.length : call.body.bytes,
      remoteAddress: call.remoteAddress,
    };
    const refuse = async (
      code: ErrorCode,
      message: string,
      reason: string,
      details?: unknown,
    ): Promise<never> => {
      await this.recorder.record({ ...entry, reason });
      throw new ChainmailError(code, message, details);
    };

    if (!('raw' in call.body)) {
      const { bytes, limit } = call.body;
      return refuse(
        'PAYLOAD_TOO_LARGE',
        `The request body is larger than the limit of ${limit} bytes; send a smaller body or raise CHAINMAIL_MAX_WEBHOOK_BYTES.`,
        `body of ${bytes} bytes is over the limit of ${limit}`,
      );
    }
    const raw = call.body.raw;
    const bound = this.bindings.webhookFor(call.path);
    if (bound.length === 0) {
      return refuse(
        'WEBHOOK_NOT_FOUND',
        `No workflow is bound to the webhook path "${call.path}".`,
        'no workflow is bound to this path',
        {
          path: call.path,
        },
      );
    }
    if (bound.length > 1) {
      const names = bound.map((b) => b.workflow).join(', ');
      entry.workflow = bound[0].workflow;
      return refuse(
        'CONFLICT',
        `The webhook path "${call.path}" is bound by several workflows (${names}); bind it once.`,
        `path bound by ${names}`,
      );
    }
    const binding = bound[0];
    entry.workflow = binding.workflow;

    if (binding.secret !== undefined) {
      const owner = canonicalOwner(this.catalog.active(binding.workflow)?.owner ?? '');
      const secret = await resolveHookSecret(binding.secret, owner, this.settings.secretOf);
      if (!secret.ok) {
        return refuse(
          'UNAVAILABLE',
          'This webhook cannot check signatures: its secret is not configured on the server.',
          secret.reason,
        );
      }
      const check = checkSignature(secret.value, raw, call.signature);
      if (check !== 'valid') {
        const why = {
          missing: 'no X-Chainmail-Signature header',
          malformed: 'X-Chainmail-Signature is not "sha256=<64 hex digits>"',
          mismatch: 'X-Chainmail-Signature does not match the body',
        }[check];
        return refuse(
          'SIGNATURE_INVALID',
          `${why}: sign the raw body with HMAC-SHA256 and the webhook's secret, and send X-Chainmail-Signature: sha256=<hex>.`,
          `signature ${check}`,
        );
      }
    }

    if (call.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(call.idempotencyKey)) {
      return refuse(
        'BAD_REQUEST',
        'Idempotency-Key must be 1 to 255 visible ASCII characters.',
        'malformed Idempotency-Key',
      );
    }
    const declared = this.catalog.active(binding.workflow)?.definition.inputs ?? [];
    const inputs = webhookInputs(raw, call.contentType, declared);
    if (!inputs.ok) return refuse('BAD_REQUEST', `${inputs.reason}.`, inputs.reason);

    const runId =
      call.idempotencyKey !== undefined
        ? derivedRunId('webhook', binding.path, call.idempotencyKey)
        : undefined;
    let started: StartedRun;
    try {
      started = await this.starter.execute({
        workflow: binding.workflow,
        inputs: inputs.inputs,
        trigger: {
          kind: 'webhook',
          details: {
            path: binding.path,
            deliveryId: entry.id,
            ...(call.idempotencyKey !== undefined ? { idempotencyKey: call.idempotencyKey } : {}),
          },
        },
        actor: 'webhook',
        runId,
      });
    } catch (err) {
      const coded = err instanceof ChainmailError;
      await this.recorder.record({
        ...entry,
        status: coded ? 'refused' : 'failed',
        reason: coded ? err.message : `could not start the run: ${(err as Error).message}`,
      });
      throw err;
    }
    await this.recorder.record({
      ...entry,
      status: 'accepted',
      runId: started.runId,
      reason: started.duplicate ? 'repeated Idempotency-Key: the run it started before' : undefined,
    });
    return {
      runId: started.runId,
      workflow: binding.workflow,
      version: started.version,
      mode: binding.mode,
      duplicate: started.duplicate,
    };
  }
}
