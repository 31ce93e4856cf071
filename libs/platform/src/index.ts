export * from './tokens';
export * from './platform.module';
export * from './bootstrap';
export * from './request-reply';
export * from './worker-pool';
export { JsonLogger } from './json-logger';
export { escapeHtml } from './html';
export { LocalCommands, type LocalCommandHandler, type LocallyDecided } from './local-commands';
