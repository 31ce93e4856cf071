import { UsageError } from './context';
import { modelServerEnv } from './model-binding';

describe('modelServerEnv', () => {
  it('passes the endpoint, the model and the key (from the named variable) to the server', () => {
    expect(
      modelServerEnv(
        { OPENAI_API_KEY: 'sk-1' },
        { model: 'https://api.openai.com/v1', modelName: 'gpt-4o-mini', apiKeyEnv: 'OPENAI_API_KEY' },
      ),
    ).toEqual({
      CHAINMAIL_MODEL_URL: 'https://api.openai.com/v1',
      CHAINMAIL_MODEL_NAME: 'gpt-4o-mini',
      CHAINMAIL_SECRET_MODEL_API_KEY: 'sk-1',
    });
    expect(modelServerEnv({}, {})).toEqual({});
  });

  it('refuses a URL that is not http(s), a key variable that is not set, and model flags without a model', () => {
    expect(() => modelServerEnv({}, { model: 'localhost:11434' })).toThrow(UsageError);
    expect(() => modelServerEnv({}, { model: 'http://127.0.0.1:11434/v1', apiKeyEnv: 'NOPE' })).toThrow(
      /NOPE: that variable is not set/,
    );
    expect(() => modelServerEnv({}, { modelName: 'llama3.2' })).toThrow(/go with --model/);
    expect(modelServerEnv({ CHAINMAIL_MODEL_URL: 'http://x.example/v1' }, { modelName: 'llama3.2' })).toEqual(
      { CHAINMAIL_MODEL_NAME: 'llama3.2' },
    );
  });
});
