import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  REGISTRY_AGENT_DELETE_SUBJECT,
  REGISTRY_AGENT_PUT_SUBJECT,
  REGISTRY_LISTING_PUBLISH_SUBJECT,
  REGISTRY_LISTING_STAR_SUBJECT,
  REGISTRY_LISTING_UNPUBLISH_SUBJECT,
  REGISTRY_PUBLISH_SUBJECT,
  REGISTRY_QUEUE,
  REGISTRY_ROLLBACK_SUBJECT,
  REGISTRY_SCHEDULE_PAUSE_SUBJECT,
  REGISTRY_VALIDATE_SUBJECT,
  type PauseScheduleRequest,
  type PublishListingRequest,
  type PublishWorkflowRequest,
  type StarListingRequest,
  type UnpublishListingRequest,
  type PutAgentRequest,
  type RemoveAgentRequest,
  type RollbackWorkflowRequest,
} from '@chainmail/contracts';
import { CodedRpcErrors } from '@chainmail/platform';
import { RegistryService } from './registry.service';

/** Replicas share the registry's subjects through this queue group: each request is answered once. */
const SHARED = { queue: REGISTRY_QUEUE };

/**
 * Answers the registry's request/reply subjects (Nest's NATS transport, namespaced by the
 * platform); a use case's `ChainmailError` goes back to the caller as it was thrown.
 */
@Controller()
@UseFilters(new CodedRpcErrors('registry', 'The registry failed to handle the request.'))
export class RegistryResponder {
  constructor(private readonly registry: RegistryService) {}

  @MessagePattern(REGISTRY_PUBLISH_SUBJECT, SHARED)
  publishWorkflow(@Payload() request: PublishWorkflowRequest): Promise<unknown> {
    return this.registry.publish.execute(request);
  }

  @MessagePattern(REGISTRY_VALIDATE_SUBJECT, SHARED)
  async validateWorkflow(@Payload() request: PublishWorkflowRequest): Promise<unknown> {
    const result = await this.registry.publish.validate(request);
    return result.ok
      ? { valid: true, name: result.definition.name, warnings: result.warnings }
      : { valid: false, issues: result.errors };
  }

  @MessagePattern(REGISTRY_ROLLBACK_SUBJECT, SHARED)
  rollbackWorkflow(@Payload() request: RollbackWorkflowRequest): Promise<unknown> {
    return this.registry.rollback.execute(request);
  }

  @MessagePattern(REGISTRY_SCHEDULE_PAUSE_SUBJECT, SHARED)
  pauseSchedule(@Payload() request: PauseScheduleRequest): Promise<unknown> {
    return this.registry.pauseSchedule.execute(request);
  }

  @MessagePattern(REGISTRY_AGENT_PUT_SUBJECT, SHARED)
  putAgentEntry(@Payload() request: PutAgentRequest): Promise<unknown> {
    return this.registry.putAgent.execute(request);
  }

  @MessagePattern(REGISTRY_AGENT_DELETE_SUBJECT, SHARED)
  removeAgentEntry(@Payload() request: RemoveAgentRequest): Promise<unknown> {
    return this.registry.removeAgent.execute(request);
  }

  @MessagePattern(REGISTRY_LISTING_PUBLISH_SUBJECT, SHARED)
  publishListing(@Payload() request: PublishListingRequest): Promise<unknown> {
    return this.registry.listings.publish(request);
  }

  @MessagePattern(REGISTRY_LISTING_UNPUBLISH_SUBJECT, SHARED)
  unpublishListing(@Payload() request: UnpublishListingRequest): Promise<unknown> {
    return this.registry.listings.unpublish(request);
  }

  @MessagePattern(REGISTRY_LISTING_STAR_SUBJECT, SHARED)
  starListing(@Payload() request: StarListingRequest): Promise<unknown> {
    return this.registry.listings.star(request);
  }
}
