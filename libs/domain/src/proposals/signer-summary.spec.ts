import { MAX_INSTRUCTION_LENGTH, signerInstruction, signerSummary } from './signer-summary';

const dest = 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe';

describe('the summary signers read', () => {
  it('says type, amount, destination, tag and fee from the prepared transaction', () => {
    expect(
      signerSummary({
        TransactionType: 'Payment',
        Amount: '900000000',
        Destination: dest,
        DestinationTag: 12,
        Fee: '36',
      }),
    ).toBe(`Payment of 900 XRP to ${dest} (tag 12), fee 0.000036 XRP`);
  });

  it('names tokens, offers and tickets', () => {
    expect(
      signerSummary({
        TransactionType: 'Payment',
        Amount: { currency: 'USD', issuer: dest, value: '10.5' },
        Destination: dest,
        Fee: '30',
      }),
    ).toBe(`Payment of 10.5 USD (issuer ${dest}) to ${dest}, fee 0.00003 XRP`);
    expect(
      signerSummary({ TransactionType: 'OfferCreate', TakerGets: '999000000', TakerPays: '1', Fee: '30' }),
    ).toBe('OfferCreate selling 999 XRP for 0.000001 XRP, fee 0.00003 XRP');
    expect(signerSummary({ TransactionType: 'TicketCreate', TicketCount: 5, Fee: '30' })).toBe(
      'TicketCreate of 5 tickets, fee 0.00003 XRP',
    );
  });

  it("puts the proposer's note after the summary: a false note cannot hide the amount", () => {
    const instruction = signerInstruction(
      { TransactionType: 'Payment', Amount: '900000000', Destination: dest, Fee: '36' },
      'Routine 1 XRP test payment',
    );
    expect(instruction).toBe(
      `Payment of 900 XRP to ${dest}, fee 0.000036 XRP. Proposer's note: Routine 1 XRP test payment`,
    );
  });

  it("stays within Xaman's 280 characters, cutting the note, never the summary", () => {
    const instruction = signerInstruction(
      { TransactionType: 'Payment', Amount: '1', Destination: dest, Fee: '36' },
      'x'.repeat(280),
    );
    expect(instruction.length).toBe(MAX_INSTRUCTION_LENGTH);
    expect(instruction.startsWith(`Payment of 0.000001 XRP to ${dest}, fee 0.000036 XRP.`)).toBe(true);
  });
});
