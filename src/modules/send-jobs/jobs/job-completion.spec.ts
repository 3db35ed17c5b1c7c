import { callbackLinks } from './job-completion';

describe('callbackLinks', () => {
  const deliveryOf = new Map([
    ['settled', 'd-settled'],
    ['by-event', 'd-event'],
  ]);

  it('writes no link for a job the settle linked to its delivery, and links the others', () => {
    const jobs = [
      { id: 'settled', callbackDeliveryId: 'd-settled' },
      { id: 'by-event', callbackDeliveryId: null },
      { id: 'no-webhook', callbackDeliveryId: null },
    ];
    expect(callbackLinks(jobs, deliveryOf)).toEqual([{ id: 'by-event', deliveryId: 'd-event' }]);
  });

  it('clears a settle link whose delivery was not created (the tenant had no callback secret)', () => {
    expect(callbackLinks([{ id: 'unsigned', callbackDeliveryId: 'd-missing' }], deliveryOf)).toEqual([{ id: 'unsigned', deliveryId: null }]);
  });
});
