export * from './data-source';
export * from './entities/run-view.entity';
export * from './entities/step-view.entity';
export * from './entities/projection-checkpoint.entity';
export * from './run-projection';
export * from './run-projection.writer';
export * from './run-read.model';
export * from './run-read.repository';
export { encodeListCursor, decodeListCursor, type ListCursor } from './list-cursor';
