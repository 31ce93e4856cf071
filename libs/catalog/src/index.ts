export * from './definition-catalog';
