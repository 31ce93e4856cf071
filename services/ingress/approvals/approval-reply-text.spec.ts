import { approvalReplyText } from './approval-reply-text';

describe('a reply to a checkpoint mail', () => {
  it('approves or rejects by its first word, the rest a comment', () => {
    expect(approvalReplyText('approve')).toEqual({ action: 'approve' });
    expect(approvalReplyText('Approved. Ship it\n')).toEqual({ action: 'approve', comment: 'Ship it' });
    expect(approvalReplyText('REJECT: the fee is wrong')).toEqual({
      action: 'reject',
      comment: 'the fee is wrong',
    });
    expect(approvalReplyText('rejected')).toEqual({ action: 'reject' });
  });

  it('ignores quoted text and the signature', () => {
    const text =
      'approve, looks fine\n\n-- \nJane Doe\nAcme\n\nOn Mon, Chainmail wrote:\n> reject\n> Review draft';
    expect(approvalReplyText(text)).toEqual({ action: 'approve', comment: 'looks fine' });
  });

  it('is an edit carrying its text when the first word is neither', () => {
    expect(approvalReplyText('Use a 30-day payment term.\n\n> approve')).toEqual({
      action: 'edit',
      input: 'Use a 30-day payment term.',
    });
    // A word that only begins like one is not the decision.
    expect(approvalReplyText('approvers should read clause 4')).toEqual({
      action: 'edit',
      input: 'approvers should read clause 4',
    });
  });

  it('decides nothing without text of its own', () => {
    expect(approvalReplyText('\n> approve\n')).toBeUndefined();
    expect(approvalReplyText('')).toBeUndefined();
  });
});
