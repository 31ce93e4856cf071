export * from './run-state';
export * from './evolve';
export * from './commands';
export * from './decide';
export { scopeOf } from './scope';
export { childRunId, childRunInputs, MAX_WORKFLOW_DEPTH } from './child-run';
export { retryDelayMs } from './retry-delay';
export { formatDuration } from './durations';
