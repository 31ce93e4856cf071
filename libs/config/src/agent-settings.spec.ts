import 'reflect-metadata';
import { ConfigInvalid, loadConfig } from './config';

describe('agent settings', () => {
  it('defaults to public-only outbound, no prices, no model binding', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      agentAllowPrivate: false,
      agentAllowedHosts: [],
      modelPrices: {},
      modelName: 'gpt-4o-mini',
    });
    expect(config.modelUrl).toBeUndefined();
  });

  it('reads prices as JSON, the allow switch, the allow-list and the model', () => {
    const config = loadConfig({
      CHAINMAIL_MODEL_PRICES: '{"gpt-4o-mini":{"input":0.15,"output":0.6}}',
      CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true',
      CHAINMAIL_AGENT_ALLOWED_HOSTS: 'ollama.internal, 10.0.0.0/8,,',
      CHAINMAIL_MODEL_URL: 'http://127.0.0.1:11434/v1',
      CHAINMAIL_MODEL_NAME: 'llama3.2',
      CHAINMAIL_SECRET_MODEL_API_KEY: 'sk-1',
    });
    expect(config.modelPrices).toEqual({ 'gpt-4o-mini': { input: 0.15, output: 0.6 } });
    expect(config.agentAllowPrivate).toBe(true);
    expect(config.agentAllowedHosts).toEqual(['ollama.internal', '10.0.0.0/8']);
    expect([config.modelUrl, config.modelName]).toEqual(['http://127.0.0.1:11434/v1', 'llama3.2']);
    expect(config.secretValues.MODEL_API_KEY).toBe('sk-1');
  });

  it.each(['{not json', '{"m": {"input": "cheap"}}', '[1]', '{"m": {"input": -1, "output": 1}}'])(
    'refuses CHAINMAIL_MODEL_PRICES=%s naming the variable',
    (value) => {
      expect(() => loadConfig({ CHAINMAIL_MODEL_PRICES: value })).toThrow(ConfigInvalid);
      expect(() => loadConfig({ CHAINMAIL_MODEL_PRICES: value })).toThrow(
        /CHAINMAIL_MODEL_PRICES=.*USD per million tokens/,
      );
    },
  );
});
