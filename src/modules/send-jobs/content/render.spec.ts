import { mergeTags, MergeContext, renderContent, unknownMergeTags, unsubscribeHeaders } from './render';

const ctx: MergeContext = {
  subscriber: { id: 'sub-1', email: 'a<b>@example.com', preferences: { first_name: 'Ann & "Bo"', nested: { x: 1 } } },
  unsubscribe_url: 'https://engine.example/unsubscribe/TOKEN?a=1&b=2',
  unsubscribe_token: 'TOKEN',
};

describe('mergeTags', () => {
  it('fills subscriber, preference and unsubscribe tags, escaping in HTML only', () => {
    const tpl = 'Hi {{subscriber.preferences.first_name}} <{{ subscriber.email }}> {{subscriber.id}} {{unsubscribe_url}} {{unsubscribe_token}}';
    expect(mergeTags(tpl, ctx, false)).toBe(
      'Hi Ann & "Bo" <a<b>@example.com> sub-1 https://engine.example/unsubscribe/TOKEN?a=1&b=2 TOKEN',
    );
    expect(mergeTags(tpl, ctx, true)).toBe(
      'Hi Ann &amp; &quot;Bo&quot; <a&lt;b&gt;@example.com> sub-1 https://engine.example/unsubscribe/TOKEN?a=1&amp;b=2 TOKEN',
    );
  });

  it('resolves the common aliases', () => {
    expect(mergeTags('{{email}} {{subscriber_id}} {{ first_name }} [{{last_name}}]', ctx, false)).toBe('a<b>@example.com sub-1 Ann & "Bo" []');
  });

  it('uses a fallback when the recipient has no value, and renders missing values and prototype names as empty', () => {
    expect(mergeTags('Hi {{last_name|there}}, {{first_name | friend}}', ctx, false)).toBe('Hi there, Ann & "Bo"');
    expect(mergeTags('[{{subscriber.preferences.missing}}][{{subscriber.constructor}}]', ctx, false)).toBe('[][]');
  });
});

describe('unknownMergeTags', () => {
  it('names each tag the renderer does not know, once, in order', () => {
    expect(unknownMergeTags('{{firstname}} {{email}} {{subscriber.constructor}} {{firstname|x}} {{subscriber.preferences.city}}')).toEqual([
      'firstname',
      'subscriber.constructor',
    ]);
    expect(unknownMergeTags('{{unsubscribe_url}} {{unsubscribe_token}} {{subscriber.id}} {{first_name|there}}')).toEqual([]);
  });
});

describe('renderContent', () => {
  it('derives the text part from HTML when no text is given', () => {
    const out = renderContent({ subject: 'For {{subscriber.email}}', bodyHtml: '<p>Hello <b>{{subscriber.id}}</b></p>', bodyText: null }, ctx);
    expect(out.subject).toBe('For a<b>@example.com');
    expect(out.html).toBe('<p>Hello <b>sub-1</b></p>');
    expect(out.text).toBe('Hello sub-1');
  });

  it('keeps a given text part', () => {
    expect(renderContent({ subject: 's', bodyHtml: null, bodyText: 'T {{subscriber.id}}' }, ctx)).toEqual({ subject: 's', text: 'T sub-1' });
  });
});

describe('unsubscribeHeaders', () => {
  it('names the https link, an optional mailto and the one-click POST', () => {
    expect(unsubscribeHeaders('https://e/u/T', 'unsub@e')).toEqual({
      'List-Unsubscribe': '<https://e/u/T>, <mailto:unsub@e>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});
