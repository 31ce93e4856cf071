export * from './subjects';
export * from './run-events';
export * from './definition-events';
export * from './agent-events';
export * from './commands';
export * from './errors';
export * from './identity';
export * from './audit-events';
