import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** `?team=<id>`: act for a team (its roles decide) instead of the caller. */
export class TeamQuery {
  @ApiPropertyOptional({ description: 'act for this team instead of yourself (its roles decide)' })
  @IsOptional()
  @IsString({ message: 'must be one team id (given once)' })
  team?: string;
}
