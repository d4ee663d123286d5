import { AccountQueries } from '../../src/accounts/account.queries';
import { CheckLedgerDrift } from '../../src/accounts/check-ledger-drift.use-case';
import { RefreshAccount } from '../../src/accounts/refresh-account.use-case';
import { ScanAccountTransactions } from '../../src/accounts/scan-account-transactions.use-case';
import { RegisterAccount } from '../../src/accounts/register-account.use-case';
import { SignerKeys } from '../../src/proposals/signer-keys';
import { UpdateSigner } from '../../src/accounts/update-signer.use-case';
import { ApiKeyQueries } from '../../src/api-keys/api-key.queries';
import { AuthenticateApiKey } from '../../src/api-keys/authenticate-api-key.use-case';
import { IssueApiKey } from '../../src/api-keys/issue-api-key.use-case';
import { RevokeApiKey } from '../../src/api-keys/revoke-api-key.use-case';
import { AuditQueries } from '../../src/audit/audit.queries';
import { CloseProposal } from '../../src/proposals/close-proposal.use-case';
import { CombineAndSubmit } from '../../src/proposals/combine-and-submit.use-case';
import { CreateProposal } from '../../src/proposals/create-proposal.use-case';
import { DispatchSignRequest } from '../../src/proposals/dispatch-sign-request.use-case';
import { PayloadSignals } from '../../src/proposals/payload-signals';
import { PayloadWatches } from '../../src/proposals/payload-watches';
import { PollPayloads } from '../../src/proposals/poll-payloads.use-case';
import { ProposalQueries } from '../../src/proposals/proposal.queries';
import { ResolvePayload } from '../../src/proposals/resolve-payload.use-case';
import { ProposeSignerList } from '../../src/accounts/propose-signer-list.use-case';
import { EnrolSigner } from '../../src/accounts/enrol-signer.use-case';
import { ResolveEnrolment } from '../../src/accounts/resolve-enrolment.use-case';
import { SignerTokens } from '../../src/accounts/signer-tokens';
import { SignerBlobs } from '../../src/proposals/signer-blob';
import { UploadSignature } from '../../src/proposals/upload-signature.use-case';
import { SettleSubmission } from '../../src/proposals/settle-submission.use-case';
import { WithdrawPayloads } from '../../src/proposals/withdraw-payloads.use-case';
import { InvalidateOnLedger } from '../../src/proposals/invalidate-on-ledger.use-case';
import { QuorumPriority } from '../../src/shared/quorum-priority';
import { RenewProposal } from '../../src/proposals/renew-proposal.use-case';
import { SendReminders } from '../../src/proposals/send-reminders.use-case';
import { PolicyQueries } from '../../src/policies/policy.queries';
import { SetAccountPolicy } from '../../src/policies/set-account-policy.use-case';
import { CoordinatorSettings } from '../../src/settings';
import { silentLogger } from '../../src/shared/logger';
import { TokenCipher } from '../../src/shared/token-cipher';
import { StateChanges } from '../../src/state/state-changes';
import { PruneWebhookReceipts } from '../../src/webhooks/prune-webhook-receipts.use-case';
import { ReceiveXamanWebhook } from '../../src/webhooks/receive-xaman-webhook.use-case';
import { FakeClock } from './fake-clock';
import { FakeLedger, FakeLedgers } from './fake-ledger';
import { AccountLedgers } from '../../src/shared/account-ledgers';
import { FakeXaman } from './fake-xaman';
import { InMemoryAccountRepository } from './in-memory-account.repository';
import { InMemoryApiKeyRepository } from './in-memory-api-key.repository';
import { InMemoryAuditRepository } from './in-memory-audit.repository';
import { InMemoryPolicyRepository } from './in-memory-policy.repository';
import { InMemoryProposalRepository } from './in-memory-proposal.repository';
import { InMemoryUnitOfWork } from './in-memory-unit-of-work';
import { InMemoryWebhookReceiptRepository } from './in-memory-webhook-receipt.repository';
import {
  FakeWebhookTransport,
  InMemoryWebhookRepository,
  RecordingMetrics,
} from './in-memory-webhook.repository';
import { CreateWebhookSubscription } from '../../src/webhooks/create-webhook-subscription.use-case';
import { UpdateWebhookSubscription } from '../../src/webhooks/update-webhook-subscription.use-case';
import { DeleteWebhookSubscription } from '../../src/webhooks/delete-webhook-subscription.use-case';
import { WebhookSubscriptionQueries } from '../../src/webhooks/webhook-subscription.queries';
import { ResendWebhookDelivery } from '../../src/webhooks/resend-webhook-delivery.use-case';
import {
  DeliverWebhooks,
  WEBHOOK_DELIVERY_DEFAULTS,
  WebhookDeliverySettings,
} from '../../src/webhooks/deliver-webhooks.use-case';
import { InMemorySessionRepository } from './in-memory-session.repository';
import { InMemoryAccountSetupRepository } from './in-memory-account-setup.repository';
import { PrepareOwnerStep } from '../../src/accounts/setup/prepare-owner-step';
import { StartAccountSetup } from '../../src/accounts/setup/start-account-setup.use-case';
import { AdvanceAccountSetups } from '../../src/accounts/setup/advance-account-setups.use-case';
import { AccountSetupQueries } from '../../src/accounts/setup/account-setup.queries';
import { StartSession } from '../../src/sessions/start-session.use-case';
import { AuthenticateSession } from '../../src/sessions/authenticate-session.use-case';
import { EndSession } from '../../src/sessions/end-session.use-case';

export const testSettings: CoordinatorSettings = {
  network: 'testnet',
  forceNetwork: 'TESTNET',
  forceNetworks: { testnet: 'TESTNET' },
  defaultExpireMinutes: 60,
  maxExpireMinutes: 7 * 24 * 60,
  minSecondsPerLedger: 3,
  lastLedgerMargin: 20,
  feeCushion: 1,
  maxFeeDrops: 1_000_000,
  dispatchLeaseMs: 30_000,
  dispatchBackoffBaseMs: 1_000,
  dispatchBackoffMaxMs: 60_000,
  submitGraceMs: 60_000,
  resubmitMaxGapLedgers: 64,
  combineLeaseMs: 60_000,
  pollIntervalMs: 30_000,
  withdrawRetryMs: 60_000,
  webhookMaxSkewSeconds: 300,
  enrolmentExpireMinutes: 60,
  tokenExpiryWarningMs: 7 * 24 * 3600 * 1000,
  reminderAfterMs: 60 * 60_000,
  maxReminders: 2,
};

export const TOKEN_KEY = Buffer.alloc(32, 7);

/** Every use-case wired on in-memory fakes, as the composition root wires them on real adapters. */
export function buildDomain(
  overrides: Partial<CoordinatorSettings> = {},
  webhookOverrides: Partial<WebhookDeliverySettings> = {},
) {
  const settings: CoordinatorSettings = { ...testSettings, ...overrides };
  // One FakeLedger per served network (`forceNetworks` names them); `ledger` is the default one's.
  const log = silentLogger;
  const clock = new FakeClock();
  const networkLedgers = new Map<string, FakeLedger>([[settings.network, new FakeLedger()]]);
  for (const name of Object.keys(settings.forceNetworks)) {
    if (!networkLedgers.has(name)) networkLedgers.set(name, new FakeLedger());
  }
  const ledger = networkLedgers.get(settings.network)!;
  const xaman = new FakeXaman();
  xaman.webhookMaxSkewSeconds = settings.webhookMaxSkewSeconds;
  const cipher = new TokenCipher(TOKEN_KEY);

  const accounts = new InMemoryAccountRepository(clock);
  const proposals = new InMemoryProposalRepository(clock);
  proposals.networkOfAccount = (accountId) => accounts.accounts.get(accountId)?.network;
  const audit = new InMemoryAuditRepository(clock);
  const receipts = new InMemoryWebhookReceiptRepository(clock);
  const apiKeys = new InMemoryApiKeyRepository(clock);
  const webhookStore = new InMemoryWebhookRepository();
  const setups = new InMemoryAccountSetupRepository();
  const metrics = new RecordingMetrics();
  const transport = new FakeWebhookTransport();
  const webhookSettings: WebhookDeliverySettings = { ...WEBHOOK_DELIVERY_DEFAULTS, ...webhookOverrides };
  const policies = new InMemoryPolicyRepository(clock);
  const uow = new InMemoryUnitOfWork({
    accounts,
    proposals,
    audit,
    outbox: webhookStore.outbox,
    policies,
    setups,
  });

  const ledgers = new AccountLedgers(new FakeLedgers(networkLedgers), accounts);
  const changes = new StateChanges(uow, clock, metrics);
  const watches = new PayloadWatches(xaman);
  const signerKeys = new SignerKeys(ledgers);
  const withdrawal = new WithdrawPayloads(proposals, changes, xaman, watches, clock, settings, log);
  const closing = new CloseProposal(proposals, changes, withdrawal, ledgers, clock, log);
  // One per process, shared by the combine and the payload signals (as the coordinator module wires it).
  const priority = new QuorumPriority();
  const combining = new CombineAndSubmit(
    proposals,
    changes,
    ledgers,
    signerKeys,
    closing,
    withdrawal,
    clock,
    settings,
    log,
    policies,
    priority,
  );
  const accountQueries = new AccountQueries(accounts);
  const refreshing = new RefreshAccount(accountQueries, uow, changes, ledgers, withdrawal, clock, log);
  const settling = new SettleSubmission(
    proposals,
    changes,
    ledgers,
    combining,
    clock,
    settings,
    log,
    refreshing,
  );
  const blobs = new SignerBlobs(changes, signerKeys, combining, clock, log);
  const tokens = new SignerTokens(accounts, uow, xaman, cipher, clock, settings, log, 0);
  const resolving = new ResolvePayload(
    proposals,
    changes,
    xaman,
    blobs,
    tokens,
    watches,
    closing,
    clock,
    log,
    0,
  );
  const resolvingEnrolment = new ResolveEnrolment(
    accounts,
    uow,
    xaman,
    signerKeys,
    cipher,
    tokens,
    watches,
    clock,
    log,
  );
  const uploading = new UploadSignature(proposals, uow, blobs, xaman, watches, log);
  const signals = new PayloadSignals(resolving, watches, log, resolvingEnrolment, priority);
  const polling = new PollPayloads(proposals, signals, clock, settings, log);
  const dispatching = new DispatchSignRequest(
    proposals,
    accounts,
    changes,
    xaman,
    tokens,
    watches,
    withdrawal,
    clock,
    settings,
    log,
  );
  const creating = new CreateProposal(accounts, proposals, uow, ledgers, dispatching, clock, settings, log);

  const reminders = new SendReminders(
    proposals,
    uow,
    changes,
    xaman,
    watches,
    dispatching,
    clock,
    settings,
    log,
  );
  const renewing = new RenewProposal(proposals, creating, changes, withdrawal, settings, log);
  const invalidating = new InvalidateOnLedger(proposals, creating);
  const setPolicy = new SetAccountPolicy(accounts, uow);
  const policyQueries = new PolicyQueries(accounts, policies);

  const registering = new RegisterAccount(accounts, uow, ledgers, clock);
  const proposingSignerList = new ProposeSignerList(accountQueries, ledgers, creating);
  const updatingSigner = new UpdateSigner(accountQueries, uow, cipher, tokens, clock);
  const enrolling = new EnrolSigner(accountQueries, uow, xaman, tokens, watches, clock, settings, log);
  const ownerSteps = new PrepareOwnerStep(ledgers, xaman, clock, settings);
  const startingSetup = new StartAccountSetup(setups, accounts, uow, ledgers, ownerSteps, clock, log);
  const advancingSetups = new AdvanceAccountSetups(
    setups,
    accounts,
    uow,
    ledgers,
    xaman,
    ownerSteps,
    registering,
    enrolling,
    clock,
    log,
  );
  const drift = new CheckLedgerDrift(accounts, refreshing, closing, log);
  const scanning = new ScanAccountTransactions(accounts, proposals, setups, uow, ledgers, clock, log);

  const webhooks = new ReceiveXamanWebhook(xaman, receipts, signals, clock, log);
  const pruning = new PruneWebhookReceipts(receipts, clock);

  const issuingKey = new IssueApiKey(apiKeys, audit, clock);
  const authenticating = new AuthenticateApiKey(apiKeys, clock);
  const revokingKey = new RevokeApiKey(apiKeys, audit, clock);
  const sessions = new InMemorySessionRepository(clock);
  const sessionSettings = { ttlMinutes: 60 };

  return {
    settings,
    webhookSettings,
    webhookStore,
    metrics,
    transport,
    creatingSubscription: new CreateWebhookSubscription(webhookStore, audit, cipher, clock),
    updatingSubscription: new UpdateWebhookSubscription(webhookStore, audit, clock),
    deletingSubscription: new DeleteWebhookSubscription(webhookStore, audit),
    subscriptionQueries: new WebhookSubscriptionQueries(webhookStore),
    resending: new ResendWebhookDelivery(webhookStore, audit, clock),
    delivering: new DeliverWebhooks(webhookStore, transport, cipher, metrics, clock, webhookSettings, log),
    clock,
    ledger,
    /** Every served network's FakeLedger, by name. */
    networkLedgers,
    ledgers,
    xaman,
    cipher,
    accounts,
    proposals,
    policies,
    audit,
    receipts,
    apiKeys,
    uow,
    changes,
    watches,
    signerKeys,
    withdrawal,
    closing,
    combining,
    settling,
    resolving,
    blobs,
    uploading,
    signals,
    polling,
    dispatching,
    creating,
    reminders,
    renewing,
    invalidating,
    setPolicy,
    policyQueries,
    accountQueries,
    scanning,
    registering,
    refreshing,
    updatingSigner,
    tokens,
    proposingSignerList,
    enrolling,
    resolvingEnrolment,
    drift,
    webhooks,
    pruning,
    issuingKey,
    authenticating,
    revokingKey,
    proposalQueries: new ProposalQueries(proposals),
    auditQueries: new AuditQueries(audit),
    apiKeyQueries: new ApiKeyQueries(apiKeys),
    sessions,
    sessionSettings,
    setups,
    startingSetup,
    advancingSetups,
    setupQueries: new AccountSetupQueries(setups),
    startingSession: new StartSession(authenticating, sessions, audit, clock, sessionSettings),
    authenticatingSession: new AuthenticateSession(sessions, apiKeys, clock),
    endingSession: new EndSession(sessions, audit, clock),
  };
}

export type Domain = ReturnType<typeof buildDomain>;
