import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { IsTimestamp } from '../../common/validation/decorators';
import { RECOVERY_STATUSES, RecoveryStatus } from './dead-letter-recovery.entity';

export class RecoverDeadLettersDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this subscription\'s dead letters', example: '019ad0a4-5c1e-7b3e-9a51-3f1c2d4e5f60' })
  @IsOptional() @IsUUID()
  subscription_id?: string;

  @ApiProperty({ format: 'date-time', description: 'Dead-lettered at or after; at most 14 days back', example: '2026-11-28T00:00:00Z' })
  @IsTimestamp({ zone: false })
  since!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Dead-lettered at or before; defaults to now', example: '2026-11-29T09:00:00Z' })
  @IsOptional() @IsTimestamp({ zone: false })
  until?: string;

  @ApiPropertyOptional({ default: false, description: 'Only count what would be replayed' })
  @IsOptional() @IsBoolean()
  dry_run?: boolean;
}

export class RecoveryResponse {
  @ApiProperty({ format: 'uuid', example: '019ad0b2-7e41-7c55-8f0e-2b6a9d3c4e11' })
  id!: string;

  @ApiProperty({ enum: RECOVERY_STATUSES, description: 'A dry run is `completed` at once', example: 'running' })
  status!: RecoveryStatus;

  @ApiProperty({ description: 'Dead letters in the window when the request was made', example: 120 })
  total!: number;

  @ApiProperty({ description: 'Replayed so far (0 for a dry run)', example: 40 })
  replayed!: number;

  @ApiProperty({ example: false })
  dry_run!: boolean;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null })
  subscription_id!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-28T00:00:00.000Z' })
  since!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-29T09:00:00.000Z' })
  until!: string;

  @ApiProperty({ description: 'Replays per second this request is paced at', example: 10 })
  rate_per_second!: number;

  @ApiProperty({ format: 'date-time', example: '2026-11-29T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  finished_at!: string | null;
}
