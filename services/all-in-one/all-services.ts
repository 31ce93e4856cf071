import type { DynamicModule, Type } from '@nestjs/common';
import { ExecutionModule } from '../execution/execution.module';
import { IngressModule } from '../ingress/ingress.module';
import { NotificationModule } from '../notification/notification.module';
import { MailCatcherModule } from '../notification/mail-catcher.module';
import { ProjectorModule } from '../projector/projector.module';
import { RegistryModule } from '../registry/registry.module';
import { SchedulingModule } from '../scheduling/scheduling.module';

/** The composition root may import service modules; services never import each other. */
export function allServiceModules(): (Type<unknown> | DynamicModule)[] {
  return [
    RegistryModule,
    ExecutionModule,
    ProjectorModule,
    SchedulingModule,
    NotificationModule,
    MailCatcherModule,
    IngressModule,
  ];
}
