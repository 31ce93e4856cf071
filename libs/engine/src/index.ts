export * from './run-state';
export * from './evolve';
export * from './commands';
export * from './decide';
export { scopeOf } from './scope';
