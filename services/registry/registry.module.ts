import { Module } from '@nestjs/common';
import { SecretsModule } from '@chainmail/secrets';
import { ExamplesLoader } from './examples.loader';
import { ModelAgentsLoader } from './model-agents.loader';
import { RegistryResponder } from './registry.responder';
import { RegistryService } from './registry.service';

/** Workflow definitions and their versions (publish, validate, roll back) and the agent directory. */
@Module({
  // Publishing checks that trigger settings name only secrets their owner has.
  imports: [SecretsModule],
  // The responder is a controller: its `@MessagePattern` handlers answer over NATS.
  controllers: [RegistryResponder],
  providers: [RegistryService, ExamplesLoader, ModelAgentsLoader],
  exports: [RegistryService],
})
export class RegistryModule {}
