import {
  canonicalOwner,
  ChainmailError,
  type DefinitionEvent,
  type PublishWorkflowRequest,
} from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { WorkerPool } from '@chainmail/platform';
import type { ParseResult } from '@chainmail/workflow-dsl';
import type { ValidationIssue, WorkflowDefinition } from '@chainmail/contracts';
import { DefinitionParser, type DefinitionSource } from './definition-parser';
import { missingSecretIssues, type SecretNames } from './secret-refs.publish';
import { workflowCycleIssue } from './workflow-cycles';
import { ownerOfPublish } from './publish-owner';
import { triggerClaimIssues } from './trigger-claims';

/** The registry's port onto DEFINITION_EVENTS. */
export interface DefinitionAppender {
  append(name: string, event: DefinitionEvent, expectedLastSeq: number): Promise<{ seq: number }>;
  lastSequenceOf(name: string): Promise<number>;
  isConflict(err: unknown): boolean;
}

export interface PublishedWorkflow {
  name: string;
  version: number;
  /** Stream sequence of the publish event; readers wait for it to see their own write. */
  seq: number;
  warnings: ValidationIssue[];
  /** The text was already the active, latest version: nothing was appended and `version` is that one. */
  unchanged: boolean;
}

const MAX_ATTEMPTS = 5;

/**
 * Validates a definition and appends it as the next immutable version of its workflow; the text of
 * the active (and latest) version again appends nothing and answers that version.
 */
export class PublishWorkflow {
  /** The owners' secret names: trigger settings may name only secrets their owner has. Unset: not checked. */
  secretNames?: SecretNames;

  protected readonly parser: DefinitionParser;

  constructor(
    private readonly catalog: DefinitionCatalog,
    private readonly log: DefinitionAppender,
    protected readonly knownAgent: (address: string) => boolean,
    maxBytes: number,
    private readonly clock: () => number = Date.now,
    /** Where parsing runs: worker threads, off the event loop that serves other requests. */
    pool: WorkerPool = new WorkerPool(),
  ) {
    this.parser = new DefinitionParser(pool, maxBytes);
  }

  async validate(request: DefinitionSource): Promise<ParseResult> {
    const parsed = await this.parser.parse(request, this.knownAgent);
    if (!parsed.ok) return parsed;
    const cycle = workflowCycleIssue(
      parsed.definition,
      request.source,
      (name) => this.catalog.active(name)?.definition,
    );
    return cycle === undefined ? parsed : { ok: false, errors: [cycle] };
  }

  /** Refuses a definition whose trigger settings name secrets its owner does not have. */
  private async checkSecrets(definition: WorkflowDefinition, request: PublishWorkflowRequest): Promise<void> {
    if (this.secretNames === undefined) return;
    const owner = canonicalOwner(ownerOfPublish(request, this.catalog.get(definition.name)));
    const issues = missingSecretIssues(definition, request.source, owner, await this.secretNames(owner));
    if (issues.length > 0)
      throw new ChainmailError('WORKFLOW_INVALID', describeIssues(issues.length), { issues });
  }

  async execute(request: PublishWorkflowRequest): Promise<PublishedWorkflow> {
    const parsed = await this.validate(request);
    if (!parsed.ok) {
      throw new ChainmailError('WORKFLOW_INVALID', describeIssues(parsed.errors.length), {
        issues: parsed.errors,
      });
    }
    const { definition } = parsed;
    await this.checkSecrets(definition, request);
    for (let attempt = 1; ; attempt++) {
      const entry = this.catalog.get(definition.name);
      const version = (entry?.versions.length ?? 0) + 1;
      const owner = ownerOfPublish(request, entry);
      const latest = entry?.versions.at(-1);
      if (entry !== undefined && latest?.version === entry.activeVersion && latest.source === request.source)
        return {
          name: definition.name,
          version: latest.version,
          seq: entry.lastSeq,
          warnings: parsed.warnings,
          unchanged: true,
        };
      const claimed = triggerClaimIssues(definition, request.source, owner, this.catalog);
      if (claimed.length > 0) {
        throw new ChainmailError('WORKFLOW_INVALID', describeIssues(claimed.length), { issues: claimed });
      }
      const event: DefinitionEvent = {
        type: 'WorkflowPublished',
        v: 1,
        at: new Date(this.clock()).toISOString(),
        data: {
          name: definition.name,
          version,
          source: request.source,
          definition,
          publishedBy: request.publishedBy,
          owner,
          ...(request.origin !== undefined ? { origin: request.origin } : {}),
        },
      };
      try {
        const { seq } = await this.log.append(definition.name, event, entry?.lastSeq ?? 0);
        return { name: definition.name, version, seq, warnings: parsed.warnings, unchanged: false };
      } catch (err) {
        if (!this.log.isConflict(err) || attempt >= MAX_ATTEMPTS) throw err;
        // Someone published in between: let our view catch up with the log, then number again.
        await this.catalog.waitFor(await this.log.lastSequenceOf(definition.name), 5_000);
      }
    }
  }
}

export function describeIssues(count: number): string {
  return count === 1
    ? 'The workflow definition has 1 problem; see details.issues (each with line and column).'
    : `The workflow definition has ${count} problems; see details.issues (each with line and column).`;
}
