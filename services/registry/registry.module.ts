import { Module } from '@nestjs/common';
import { ExamplesLoader } from './examples.loader';
import { RegistryResponder } from './registry.responder';

/** Workflow definitions and their versions: publish, validate, roll back. */
@Module({ providers: [RegistryResponder, ExamplesLoader], exports: [RegistryResponder] })
export class RegistryModule {}
