export * from './envelope';
export * from './master-key';
export * from './names';
export * from './redaction';
export * from './secret-store';
export * from './variable-store';
export * from './secrets.module';
export * from './approval-link-key';
