import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class Liveness {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

class Check {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() error?: string;
}

class ReadinessChecks {
  @ApiProperty({ type: Check }) nats!: Check;
  @ApiProperty({ type: Check }) postgres!: Check;
}

export class Readiness {
  @ApiProperty({ enum: ['ready', 'not ready'] }) status!: string;
  @ApiProperty({ type: ReadinessChecks }) checks!: ReadinessChecks;
}
