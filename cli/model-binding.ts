import { UsageError } from './context';

export interface ModelOptions {
  /** `--model URL`: an OpenAI-compatible endpoint (`http://127.0.0.1:11434/v1`). */
  model?: string;
  modelName?: string;
  /** The variable of the caller's environment that holds the API key. */
  apiKeyEnv?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What `up --model` adds to the server's environment: the endpoint and model, and the key as the
 * secret `MODEL_API_KEY`, read from the variable named by `--api-key-env` so it never appears in
 * a command line. The server binds research@, summarize@, write-report@ and proofread@ to it.
 */
export function modelServerEnv(env: Env, options: ModelOptions): Record<string, string> {
  const out: Record<string, string> = {};
  if (options.model === undefined) {
    if (options.modelName !== undefined || options.apiKeyEnv !== undefined) {
      if (!env.CHAINMAIL_MODEL_URL)
        throw new UsageError('--model-name and --api-key-env go with --model URL');
    }
  } else {
    let url: URL | undefined;
    try {
      url = new URL(options.model);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new UsageError(
        `--model must be the http(s) URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1 (Ollama); got "${options.model}"`,
      );
    }
    out.CHAINMAIL_MODEL_URL = options.model;
  }
  if (options.modelName !== undefined) out.CHAINMAIL_MODEL_NAME = options.modelName;
  if (options.apiKeyEnv !== undefined) {
    const key = env[options.apiKeyEnv];
    if (key === undefined || key === '')
      throw new UsageError(`--api-key-env ${options.apiKeyEnv}: that variable is not set in this shell`);
    out.CHAINMAIL_SECRET_MODEL_API_KEY = key;
  }
  return out;
}
