import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { ProjectorResponder } from './projector.responder';
import { DEFAULT_PROJECTOR_SETTINGS, PROJECTOR_SETTINGS, type ProjectorSettings } from './projector.settings';
import { RunProjector } from './run-projector.service';

const providers = (settings: ProjectorSettings): Provider[] => [
  { provide: PROJECTOR_SETTINGS, useValue: settings },
  RunProjector,
];

/**
 * The run read models, kept from RUN_EVENTS. Takes NATS_CONNECTION, DATA_SOURCE and
 * EVENT_LOG_NAMES from the process's PlatformModule (global), so the all-in-one process shares
 * one connection and one DataSource. Exports `RunProjector` for rebuild and read-your-writes.
 */
@Module({
  // The responder is a controller: its `@MessagePattern` handler answers `projector.rebuild`.
  controllers: [ProjectorResponder],
  providers: providers(DEFAULT_PROJECTOR_SETTINGS),
  exports: [RunProjector],
})
export class ProjectorModule {
  /** The same module with other settings (batch size, wait, auto start). */
  static register(settings: Partial<ProjectorSettings> = {}): DynamicModule {
    return {
      module: ProjectorModule,
      providers: [{ provide: PROJECTOR_SETTINGS, useValue: { ...DEFAULT_PROJECTOR_SETTINGS, ...settings } }],
      exports: [RunProjector],
    };
  }
}
