export * from './definition-catalog';
export * from './agent-catalog';
