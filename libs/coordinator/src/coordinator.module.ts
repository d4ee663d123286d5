import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  AccountQueries,
  AccountRepository,
  ApiKeyQueries,
  ApiKeyRepository,
  AuditQueries,
  AuditRepository,
  AuthenticateApiKey,
  CheckLedgerDrift,
  Clock,
  CloseProposal,
  CombineAndSubmit,
  CoordinatorSettings,
  CreateProposal,
  CreateWebhookSubscription,
  DeleteWebhookSubscription,
  DeliverWebhooks,
  Metrics,
  ResendWebhookDelivery,
  UpdateWebhookSubscription,
  WebhookDeliverySettings,
  WebhookRepository,
  WebhookSubscriptionQueries,
  WebhookTransport,
  DispatchSignRequest,
  EnrolSigner,
  AccountSetupRepository,
  AccountSetupQueries,
  AdvanceAccountSetups,
  PrepareOwnerStep,
  StartAccountSetup,
  DomainLogger,
  InvalidateOnLedger,
  IssueApiKey,
  AuthenticateSession,
  EndSession,
  StartSession,
  LedgerPort,
  Ledgers,
  AccountLedgers,
  PayloadSignals,
  QuorumPriority,
  PayloadWatches,
  PolicyQueries,
  PolicyRepository,
  PollPayloads,
  ProposalQueries,
  ProposalRepository,
  ProposeSignerList,
  PruneWebhookReceipts,
  ReceiveXamanWebhook,
  RefreshAccount,
  RegisterAccount,
  ResolveEnrolment,
  ResolvePayload,
  ScanAccountTransactions,
  RevokeApiKey,
  SessionRepository,
  RenewProposal,
  SendReminders,
  SetAccountPolicy,
  SettleSubmission,
  SignerBlobs,
  SignerKeys,
  SignerTokens,
  StateChanges,
  SystemClock,
  TokenCipher,
  UnitOfWork,
  UpdateSigner,
  UploadSignature,
  WebhookReceiptRepository,
  WithdrawPayloads,
  XamanPort,
} from '@app/domain';
import { cryptoBackend } from '@app/multisign';
import { instrument, PrometheusMetrics } from '@app/observability';
import { FetchWebhookTransport } from './fetch-webhook-transport';
import { PersistenceModule } from '@app/persistence';
import { XamanGateway } from '@app/xaman';
import { XrplLedgerGateway, XrplLedgers } from '@app/xrpl';

const FORCE_NETWORK: Record<string, string | null> = {
  mainnet: 'MAINNET',
  testnet: 'TESTNET',
  devnet: 'DEVNET',
  sandbox: null,
};

export const COORDINATOR_SETTINGS = Symbol('COORDINATOR_SETTINGS');
export const DOMAIN_LOGGER = Symbol('DOMAIN_LOGGER');
export const WEBHOOK_DELIVERY_SETTINGS = Symbol('WEBHOOK_DELIVERY_SETTINGS');

export function webhookDeliverySettings(config: AppConfig): WebhookDeliverySettings {
  return {
    leaseMs: config.webhooks.timeoutMs + 30_000,
    retryBaseMs: config.webhooks.retryBaseMs,
    retryMaxMs: config.webhooks.retryMaxMs,
    disableAfterMs: Math.round(config.webhooks.disableAfterHours * 3_600_000),
    batchSize: 50,
  };
}
export const SESSION_SETTINGS = Symbol('SESSION_SETTINGS');

export function coordinatorSettings(config: AppConfig): CoordinatorSettings {
  return {
    network: config.xrpl.network,
    forceNetwork: FORCE_NETWORK[config.xrpl.network] ?? null,
    forceNetworks: Object.fromEntries(config.xrpl.networks.map((n) => [n.name, n.forceNetwork])),
    defaultExpireMinutes: config.xaman.defaultExpireMinutes,
    maxExpireMinutes: 43_200,
    minSecondsPerLedger: config.xrpl.minSecondsPerLedger,
    lastLedgerMargin: 20,
    feeCushion: config.xrpl.feeCushion,
    maxFeeDrops: config.xrpl.maxFeeDrops,
    dispatchLeaseMs: 30_000,
    dispatchBackoffBaseMs: 1_000,
    dispatchBackoffMaxMs: 300_000,
    submitGraceMs: config.xrpl.requestTimeoutMs + 2_000,
    resubmitMaxGapLedgers: 32,
    combineLeaseMs: 30_000,
    pollIntervalMs: config.xaman.pollIntervalMs,
    // A payload that could not be withdrawn is tried again at the polling pace.
    withdrawRetryMs: config.xaman.pollIntervalMs,
    webhookMaxSkewSeconds: config.xaman.webhookMaxSkewSeconds,
    enrolmentExpireMinutes: config.xaman.enrolmentExpireMinutes,
    tokenExpiryWarningMs: config.xaman.tokenExpiryWarningDays * 86_400_000,
    reminderAfterMs: config.controls.reminderAfterMs,
    maxReminders: config.controls.maxReminders,
  };
}

function domainLogger(logger: Logger): DomainLogger {
  return {
    info: (message, fields) => logger.log({ ...fields, msg: message }),
    warn: (message, fields) => logger.warn({ ...fields, msg: message }),
    error: (message, fields) => logger.error({ ...fields, msg: message }),
  };
}

/** `{ provide: Class, inject: deps, useFactory: new Class(...deps) }`: the constructor order is the inject order. */
function construct<T>(type: new (...args: never[]) => T, inject: unknown[]): Provider {
  return {
    provide: type,
    inject: inject as never[],
    useFactory: (...args: unknown[]) => new (type as new (...a: unknown[]) => T)(...args),
  };
}

/** Closes the ledger connection and the payload sockets when the process stops. */
@Injectable()
class CoordinatorLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(Ledgers) private readonly ledgers: XrplLedgers,
    private readonly watches: PayloadWatches,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.watches.closeAll();
    await this.ledgers.close();
  }
}

const S = COORDINATOR_SETTINGS;
const L = DOMAIN_LOGGER;

/** The use-cases, each built from its ports (the order of `inject` is the constructor's). */
const USE_CASES: Provider[] = [
  construct(QuorumPriority, []),
  construct(AccountLedgers, [Ledgers, AccountRepository]),
  construct(StateChanges, [UnitOfWork, Clock, Metrics]),
  construct(SignerKeys, [AccountLedgers]),
  construct(PayloadWatches, [XamanPort]),
  construct(WithdrawPayloads, [ProposalRepository, StateChanges, XamanPort, PayloadWatches, Clock, S, L]),
  construct(CloseProposal, [ProposalRepository, StateChanges, WithdrawPayloads, AccountLedgers, Clock, L]),
  construct(CombineAndSubmit, [
    ProposalRepository,
    StateChanges,
    AccountLedgers,
    SignerKeys,
    CloseProposal,
    WithdrawPayloads,
    Clock,
    S,
    L,
    PolicyRepository,
    QuorumPriority,
  ]),
  construct(SettleSubmission, [
    ProposalRepository,
    StateChanges,
    AccountLedgers,
    CombineAndSubmit,
    Clock,
    S,
    L,
    RefreshAccount,
  ]),
  construct(SignerBlobs, [StateChanges, SignerKeys, CombineAndSubmit, Clock, L]),
  construct(SignerTokens, [AccountRepository, UnitOfWork, XamanPort, TokenCipher, Clock, S, L]),
  construct(ResolvePayload, [
    ProposalRepository,
    StateChanges,
    XamanPort,
    SignerBlobs,
    SignerTokens,
    PayloadWatches,
    CloseProposal,
    Clock,
    L,
  ]),
  construct(UploadSignature, [ProposalRepository, UnitOfWork, SignerBlobs, XamanPort, PayloadWatches, L]),
  construct(ResolveEnrolment, [
    AccountRepository,
    UnitOfWork,
    XamanPort,
    SignerKeys,
    TokenCipher,
    SignerTokens,
    PayloadWatches,
    Clock,
    L,
  ]),
  construct(PayloadSignals, [ResolvePayload, PayloadWatches, L, ResolveEnrolment, QuorumPriority]),
  construct(PollPayloads, [ProposalRepository, PayloadSignals, Clock, S, L]),
  construct(DispatchSignRequest, [
    ProposalRepository,
    AccountRepository,
    StateChanges,
    XamanPort,
    SignerTokens,
    PayloadWatches,
    WithdrawPayloads,
    Clock,
    S,
    L,
  ]),
  construct(CreateProposal, [
    AccountRepository,
    ProposalRepository,
    UnitOfWork,
    AccountLedgers,
    DispatchSignRequest,
    Clock,
    S,
    L,
  ]),
  construct(SendReminders, [
    ProposalRepository,
    UnitOfWork,
    StateChanges,
    XamanPort,
    PayloadWatches,
    DispatchSignRequest,
    Clock,
    S,
    L,
  ]),
  construct(RenewProposal, [ProposalRepository, CreateProposal, StateChanges, WithdrawPayloads, S, L]),
  construct(InvalidateOnLedger, [ProposalRepository, CreateProposal]),
  construct(SetAccountPolicy, [AccountRepository, UnitOfWork]),
  construct(PolicyQueries, [AccountRepository, PolicyRepository]),
  construct(ProposalQueries, [ProposalRepository]),
  construct(AccountQueries, [AccountRepository]),
  construct(RegisterAccount, [AccountRepository, UnitOfWork, AccountLedgers, Clock]),
  construct(RefreshAccount, [
    AccountQueries,
    UnitOfWork,
    StateChanges,
    AccountLedgers,
    WithdrawPayloads,
    Clock,
    L,
  ]),
  construct(ProposeSignerList, [AccountQueries, AccountLedgers, CreateProposal]),
  construct(UpdateSigner, [AccountQueries, UnitOfWork, TokenCipher, SignerTokens, Clock]),
  construct(EnrolSigner, [AccountQueries, UnitOfWork, XamanPort, SignerTokens, PayloadWatches, Clock, S, L]),
  construct(CheckLedgerDrift, [AccountRepository, RefreshAccount, CloseProposal, L]),
  construct(ScanAccountTransactions, [
    AccountRepository,
    ProposalRepository,
    AccountSetupRepository,
    UnitOfWork,
    AccountLedgers,
    Clock,
    L,
  ]),
  construct(ReceiveXamanWebhook, [XamanPort, WebhookReceiptRepository, PayloadSignals, Clock, L]),
  construct(PruneWebhookReceipts, [WebhookReceiptRepository, Clock]),
  construct(IssueApiKey, [ApiKeyRepository, AuditRepository, Clock]),
  construct(AuthenticateApiKey, [ApiKeyRepository, Clock]),
  construct(RevokeApiKey, [ApiKeyRepository, AuditRepository, Clock]),
  construct(ApiKeyQueries, [ApiKeyRepository]),
  construct(AuditQueries, [AuditRepository]),
  construct(CreateWebhookSubscription, [WebhookRepository, AuditRepository, TokenCipher, Clock]),
  construct(UpdateWebhookSubscription, [WebhookRepository, AuditRepository, Clock]),
  construct(DeleteWebhookSubscription, [WebhookRepository, AuditRepository]),
  construct(WebhookSubscriptionQueries, [WebhookRepository]),
  construct(ResendWebhookDelivery, [WebhookRepository, AuditRepository, Clock]),
  construct(DeliverWebhooks, [
    WebhookRepository,
    WebhookTransport,
    TokenCipher,
    Metrics,
    Clock,
    WEBHOOK_DELIVERY_SETTINGS,
    L,
  ]),
  construct(PrepareOwnerStep, [AccountLedgers, XamanPort, Clock, S]),
  construct(StartAccountSetup, [
    AccountSetupRepository,
    AccountRepository,
    UnitOfWork,
    AccountLedgers,
    PrepareOwnerStep,
    Clock,
    L,
  ]),
  construct(AdvanceAccountSetups, [
    AccountSetupRepository,
    AccountRepository,
    UnitOfWork,
    AccountLedgers,
    XamanPort,
    PrepareOwnerStep,
    RegisterAccount,
    EnrolSigner,
    Clock,
    L,
  ]),
  construct(AccountSetupQueries, [AccountSetupRepository]),
  construct(StartSession, [AuthenticateApiKey, SessionRepository, AuditRepository, Clock, SESSION_SETTINGS]),
  construct(AuthenticateSession, [SessionRepository, ApiKeyRepository, Clock]),
  construct(EndSession, [SessionRepository, AuditRepository, Clock]),
];

/**
 * The composition root for the API and the worker alike: the domain's use-cases wired to their
 * adapters (PostgreSQL through @app/persistence, xrpl.Client, xumm-sdk). Announces the
 * signature-verification crypto backend, loudly if it is a fallback.
 */
@Module({})
export class CoordinatorModule {
  /** `dataSourceName`: the process's own database connection name (the worker names its own). */
  static forRoot(config: AppConfig, dataSourceName?: string): DynamicModule {
    const adapters: Provider[] = [
      // One registry per process; the gateways are timed and their failures counted by method.
      { provide: Metrics, useFactory: () => PrometheusMetrics.shared() },
      {
        // One ledger connection per served network (XRPL_URL, XRPL_NETWORKS).
        provide: Ledgers,
        inject: [APP_CONFIG, Metrics],
        useFactory: (config: AppConfig, metrics: Metrics) =>
          new XrplLedgers(
            new Map(
              config.xrpl.networks.map((network) => [
                network.name,
                instrument(
                  new XrplLedgerGateway(network.url, {
                    timeoutMs: config.xrpl.requestTimeoutMs,
                    networkId: network.networkId,
                  }),
                  'xrpl',
                  metrics,
                  ['close', 'onLedgerClosed'],
                ),
              ]),
            ),
          ),
      },
      {
        // The default network's ledger (XRPL_NETWORK, XRPL_URL): the health probe.
        provide: LedgerPort,
        inject: [Ledgers, APP_CONFIG],
        useFactory: (ledgers: XrplLedgers, config: AppConfig) => ledgers.gateway(config.xrpl.network),
      },
      {
        provide: XamanPort,
        inject: [APP_CONFIG, Metrics],
        useFactory: (config: AppConfig, metrics: Metrics) =>
          instrument(
            new XamanGateway({
              apiKey: config.xaman.apiKey,
              apiSecret: config.xaman.apiSecret,
              endpoint: config.xaman.endpoint,
              timeoutMs: config.xaman.requestTimeoutMs,
              webhookMaxSkewSeconds: config.xaman.webhookMaxSkewSeconds,
            }),
            'xaman',
            metrics,
            ['watchPayload'],
          ),
      },
      {
        provide: WebhookTransport,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) => new FetchWebhookTransport(config.webhooks.timeoutMs),
      },
      { provide: WEBHOOK_DELIVERY_SETTINGS, inject: [APP_CONFIG], useFactory: webhookDeliverySettings },
      {
        provide: TokenCipher,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) => new TokenCipher(config.security.tokenEncryptionKey),
      },
      { provide: Clock, useClass: SystemClock },
      { provide: S, inject: [APP_CONFIG], useFactory: coordinatorSettings },
      {
        provide: SESSION_SETTINGS,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) => ({ ttlMinutes: config.console.sessionTtlMinutes }),
      },
      {
        provide: L,
        useFactory: () => {
          const logger = new Logger('Coordination');
          const backend = cryptoBackend();
          if (backend.fallback)
            logger.error({ backend }, `SLOW SIGNATURE VERIFICATION: ${backend.description}`);
          else logger.log({ backend }, `signature verification: ${backend.description}`);
          return domainLogger(logger);
        },
      },
    ];
    const persistence = PersistenceModule.forRoot({
      url: config.database.url,
      poolSize: config.database.poolSize,
      name: dataSourceName,
    });
    return {
      module: CoordinatorModule,
      imports: [persistence],
      providers: [...adapters, ...USE_CASES, CoordinatorLifecycle],
      exports: [
        persistence,
        LedgerPort,
        Ledgers,
        XamanPort,
        Metrics,
        Clock,
        S,
        ...USE_CASES.map((p) => (p as { provide: unknown }).provide as never),
      ],
    };
  }
}
