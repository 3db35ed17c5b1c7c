import { ApiProperty } from '@nestjs/swagger';

/** The one-click answer; the same on every repeat. */
export class UnsubscribeResponse {
  @ApiProperty({ enum: ['unsubscribed'], example: 'unsubscribed' }) status!: 'unsubscribed';
}
