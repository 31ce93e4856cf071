import { ConfigInvalid, loadConfig } from './config';

describe('CHAINMAIL_TRACE_URL_TEMPLATE', () => {
  it('is unset by default', () => {
    expect(loadConfig({}).traceUrlTemplate).toBeUndefined();
  });

  it('takes an http(s) URL with {traceId} in it', () => {
    const template = 'http://localhost:16686/trace/{traceId}';
    expect(loadConfig({ CHAINMAIL_TRACE_URL_TEMPLATE: template }).traceUrlTemplate).toBe(template);
    const query = 'https://grafana.example/explore?left={"queries":[{"query":"{traceId}"}]}';
    expect(loadConfig({ CHAINMAIL_TRACE_URL_TEMPLATE: query }).traceUrlTemplate).toBe(query);
  });

  it.each([
    ['without the placeholder', 'http://localhost:16686/trace/'],
    ['not a URL', 'jaeger {traceId}'],
    ['another scheme', 'javascript:alert({traceId})'],
  ])('refuses a template %s, naming the variable and an example', (_, template) => {
    expect(() => loadConfig({ CHAINMAIL_TRACE_URL_TEMPLATE: template })).toThrow(ConfigInvalid);
    expect(() => loadConfig({ CHAINMAIL_TRACE_URL_TEMPLATE: template })).toThrow(
      /CHAINMAIL_TRACE_URL_TEMPLATE=.*must be an http\(s\) URL with \{traceId\}.*16686\/trace\/\{traceId\}/,
    );
  });
});
