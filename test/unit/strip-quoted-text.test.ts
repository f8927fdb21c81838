import { describe, expect, it } from 'vitest'
import { mailTextToMarkdown } from '../../src/inbound/mail-text-to-markdown'
import { stripQuotedText } from '../../src/inbound/strip-quoted-text'

// Replies as real mail clients write them (the text/plain part, as mailparser hands it over).

describe('stripQuotedText', () => {
  it('Gmail: drops the attribution (wrapped over two lines) and the quote', () => {
    const text = [
      'Thanks, the export works now.',
      '',
      'One more thing: can it include refunds?',
      '',
      'On Mon, Mar 2, 2026 at 10:00 AM Test Community <community@',
      'forum.example> wrote:',
      '',
      '> Hal Helper replied to your question',
      '>',
      '> Use Reports → Export',
    ].join('\r\n')
    expect(stripQuotedText(text)).toBe('Thanks, the export works now.\n\nOne more thing: can it include refunds?')
  })

  it('Gmail (one line) with a "-- " signature', () => {
    const text = 'Works for me.\n\n-- \nMo Customer\nHead of Ops, Acme\n\nOn Mon, 2 Mar 2026 at 10:00, Test Community <community@forum.example> wrote:\n> hello'
    expect(stripQuotedText(text)).toBe('Works for me.')
  })

  it('Outlook: the underscore line and the From/Sent header block', () => {
    const text = [
      'Hi Sam,',
      '',
      'Yes, we are on the legacy cluster.',
      '',
      'Regards,',
      'Mo',
      '',
      '________________________________',
      'From: Test Community <community@forum.example>',
      'Sent: Monday, March 2, 2026 10:00 AM',
      'To: Mo Customer <mo@customer.example>',
      'Subject: Support replied: How do I export orders?',
      '',
      'Sam Support replied to your question',
    ].join('\n')
    expect(stripQuotedText(text)).toBe('Hi Sam,\n\nYes, we are on the legacy cluster.\n\nRegards,\nMo')
  })

  it('Outlook: -----Original Message-----', () => {
    const text = 'Confirmed, closing.\n\n-----Original Message-----\nFrom: Test Community [mailto:community@forum.example]\nSent: 02 March 2026 10:00\nSubject: Fixed'
    expect(stripQuotedText(text)).toBe('Confirmed, closing.')
  })

  it('Outlook without a separator: a bold From/Sent block', () => {
    const text = 'Still broken on 2.4.1, sadly.\n\n*From:* Test Community <community@forum.example>\n*Sent:* Monday, 2 March 2026 10:00\n*To:* Mo'
    expect(stripQuotedText(text)).toBe('Still broken on 2.4.1, sadly.')
  })

  it('Apple Mail on iPhone: "Sent from my iPhone" and the attribution', () => {
    const text = 'That solved it, thanks!\n\nSent from my iPhone\n\n> On 2 Mar 2026, at 10:00, Test Community <community@forum.example> wrote:\n>\n> Fixed in 2.4.1'
    expect(stripQuotedText(text)).toBe('That solved it, thanks!')
  })

  it('Outlook mobile and Android signatures', () => {
    expect(stripQuotedText('Will try tonight.\n\nGet Outlook for Android\n________________________________\nFrom: x')).toBe('Will try tonight.')
    expect(stripQuotedText('Will try tonight.\n\nSent from my Samsung Galaxy smartphone.')).toBe('Will try tonight.')
    expect(stripQuotedText('Merci !\n\nEnvoyé de mon iPhone')).toBe('Merci !')
  })

  it('a trailing block of > lines without an attribution', () => {
    expect(stripQuotedText('Agreed.\n\n> Should we close this?\n> -- Sam\n')).toBe('Agreed.')
  })

  it('keeps quotes answered point by point, and lines that only look like markers', () => {
    const text = '> Which version?\n2.4.0\n\n> Which browser?\nFirefox. On second thought, I wrote: nothing else.'
    expect(stripQuotedText(text)).toBe(text)
  })

  it('other languages: German and French attributions', () => {
    expect(stripQuotedText('Danke!\n\nAm 02.03.2026 um 10:00 schrieb Test Community <community@forum.example>:\n> x')).toBe('Danke!')
    expect(stripQuotedText('Merci.\n\nLe lun. 2 mars 2026 à 10:00, Test Community <community@forum.example> a écrit :\n> x')).toBe('Merci.')
  })

  it('a reply that is nothing but the quote is empty', () => {
    expect(stripQuotedText('\n\nOn Mon, Mar 2, 2026 at 10:00 AM Test <a@b.example> wrote:\n> hello\n')).toBe('')
    expect(stripQuotedText('Sent from my iPhone')).toBe('')
  })
})

describe('mailTextToMarkdown', () => {
  it('escapes what Markdown would read as formatting, keeps links and line breaks', () => {
    const markdown = mailTextToMarkdown('# not a heading\n*not bold* and <b>not html</b>\n- not a list\n1. not numbered\n\nSee https://example.com/a_b_c?x=1&y=2.')
    expect(markdown).toBe(
      '\\# not a heading  \n\\*not bold\\* and \\<b\\>not html\\</b\\>  \n\\- not a list  \n1\\. not numbered\n\nSee https://example.com/a_b_c?x=1&y=2.',
    )
  })
})
