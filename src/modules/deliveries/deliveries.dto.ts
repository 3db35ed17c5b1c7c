import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { IsTimestamp } from '../../common/validation/decorators';
import { DELIVERY_STATUSES, DeliveryStatus } from './entities/webhook-delivery.entity';

export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  event_id?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  subscription_id?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional() @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class ListDeadLettersQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  subscription_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Dead-lettered at or after' })
  @IsOptional() @IsTimestamp({ zone: false })
  since?: string;
}

export class DeliveryAttemptResponse {
  attempt_number!: number;
  request_signature!: string;
  /** The headers the attempt sent (null for attempts recorded without them). */
  request_headers!: Record<string, string> | null;
  response_status!: number | null;
  response_headers!: Record<string, string> | null;
  response_body_snippet!: string | null;
  latency_ms!: number | null;
  error_code!: string | null;
  attempted_at!: string;
}

export class DeliveryResponse {
  id!: string;
  event_id!: string | null;
  subscription_id!: string | null;
  status!: DeliveryStatus;
  attempts_made!: number;
  next_attempt_at!: string | null;
  final_status_code!: number | null;
  completed_at!: string | null;
  created_at!: string;
  attempts?: DeliveryAttemptResponse[];
}
