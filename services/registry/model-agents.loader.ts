import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ChainmailError, INSTALLATION_OWNER } from '@chainmail/contracts';
import type { ChainmailConfig } from '@chainmail/config';
import type { AgentCatalog } from '@chainmail/catalog';
import { AGENT_CATALOG, CHAINMAIL_CONFIG } from '@chainmail/platform';
import { RegistryService } from './registry.service';

/** Who registers the model bindings: entries by anyone else are never touched by this loader. */
export const MODEL_BINDING_BY = 'config';
/** `CHAINMAIL_SECRET_MODEL_API_KEY` (what `chainmail up --api-key-env` sets) is the key, when set. */
export const MODEL_API_KEY_SECRET = 'MODEL_API_KEY';

/** The example agents and how each role is asked to work when a model answers for it. */
export const MODEL_ROLES: Readonly<Record<string, string>> = {
  'research@':
    'You are a research analyst. Given a request, write a well-organized research brief in Markdown: the main players, the facts and figures you are confident about, trends, and the open questions. Say when you are unsure instead of inventing facts, figures or sources.',
  'summarize@':
    'You summarize text. Keep the most important findings, figures and names, drop repetition, and answer with the summary only, in Markdown, in at most about 200 words.',
  'write-report@':
    'You write business reports in Markdown: a title, an executive summary, key findings grouped by theme, risks and open questions, and recommended next steps. Use only the material you are given.',
  'proofread@':
    "You are a meticulous copy editor. Correct spelling, grammar, punctuation and awkward phrasing while keeping the author's meaning, structure and Markdown formatting. Answer with the corrected text only, without comments.",
};

/**
 * `CHAINMAIL_MODEL_URL` (`chainmail up --model URL`): binds the example agents to that
 * OpenAI-compatible endpoint at start, through the directory like any PUT. Started without it,
 * the bindings it made earlier are removed, so the builtins answer again. Entries registered
 * through the API or the CLI win: they are neither replaced nor removed.
 */
@Injectable()
export class ModelAgentsLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger('registry');

  constructor(
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
    @Inject(AGENT_CATALOG) private readonly agents: AgentCatalog,
    private readonly registry: RegistryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { modelUrl, modelName, secretValues } = this.config;
    for (const [address, systemPrompt] of Object.entries(MODEL_ROLES)) {
      try {
        if (modelUrl === undefined) {
          if (this.agents.get(address)?.by === MODEL_BINDING_BY) {
            await this.registry.removeAgent.execute({ address, by: MODEL_BINDING_BY, force: true });
            this.logger.log(`${address} is the builtin again (no CHAINMAIL_MODEL_URL)`);
          }
          continue;
        }
        const current = this.agents.get(address);
        if (current !== undefined && current.by !== MODEL_BINDING_BY) {
          this.logger.log(
            `${address} keeps its registered ${current.kind} entry (registered by ${current.by}), not the model`,
          );
          continue;
        }
        const config: Record<string, unknown> = { baseUrl: modelUrl, model: modelName, systemPrompt };
        if (secretValues[MODEL_API_KEY_SECRET] !== undefined)
          config.apiKey = `{{secrets.${MODEL_API_KEY_SECRET}}}`;
        const change = await this.registry.putAgent.execute({
          address,
          body: { kind: 'openai', config },
          by: MODEL_BINDING_BY,
          // The operator's model serves every owner, like the builtins it stands in for.
          owner: INSTALLATION_OWNER,
        });
        if (change.outcome === 'registered')
          this.logger.log(`${address} answers with ${modelName} at ${modelUrl}`);
      } catch (err) {
        const message =
          err instanceof ChainmailError ? `${err.message} ${JSON.stringify(err.details ?? '')}` : String(err);
        this.logger.warn(`could not bind ${address} to the model: ${message}`);
      }
    }
  }
}
