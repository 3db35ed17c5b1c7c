import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { Page } from '../../common/pagination/cursor';
import { ListDeadLettersQueryDto, DeliveryResponse } from '../deliveries/deliveries.dto';
import { DeliveriesService } from '../deliveries/deliveries.service';

/** Dead deliveries: the human-attention queue, and replay. */
@Injectable()
export class DeadLettersService {
  constructor(private readonly deliveries: DeliveriesService) {}

  list(tenantId: string, query: ListDeadLettersQueryDto): Promise<Page<DeliveryResponse>> {
    const filter = { subscriptionId: query.subscription_id, completedSince: query.since ? new Date(query.since) : undefined };
    return this.deliveries.listDead(tenantId, filter, query);
  }

  async replay(tenantId: string, id: string): Promise<DeliveryResponse> {
    const delivery = await this.deliveries.find(tenantId, id);
    if (delivery.status !== 'dead') throw new AppError('conflict', 'The delivery is not dead-lettered', { reason: 'not_dead' });
    return this.deliveries.resend(delivery);
  }
}
