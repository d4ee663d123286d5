import { DynamicModule, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  AccountsService,
  CoordinationService,
  CoordinatorSettings,
  DomainLogger,
  TokenCipher,
} from '@app/domain';
import { cryptoBackend } from '@app/multisign';
import { TypeormCoordinatorStore } from '@app/persistence';
import { XamanGateway } from '@app/xaman';
import { XrplLedgerGateway } from '@app/xrpl';

const FORCE_NETWORK: Record<string, string | null> = {
  mainnet: 'MAINNET',
  testnet: 'TESTNET',
  devnet: 'DEVNET',
  sandbox: null,
};

export function coordinatorSettings(config: AppConfig): CoordinatorSettings {
  return {
    network: config.xrpl.network,
    forceNetwork: FORCE_NETWORK[config.xrpl.network] ?? null,
    defaultExpireMinutes: config.xaman.defaultExpireMinutes,
    maxExpireMinutes: 43_200,
    minSecondsPerLedger: config.xrpl.minSecondsPerLedger,
    lastLedgerMargin: 20,
    feeCushion: config.xrpl.feeCushion,
    maxFeeDrops: config.xrpl.maxFeeDrops,
    dispatchLeaseMs: 30_000,
    dispatchBackoffBaseMs: 1_000,
    dispatchBackoffMaxMs: 300_000,
    pollIntervalMs: config.xaman.pollIntervalMs,
    submitGraceMs: config.xrpl.requestTimeoutMs + 2_000,
  };
}

function domainLogger(logger: Logger): DomainLogger {
  return {
    info: (message, fields) => logger.log({ ...fields, msg: message }),
    warn: (message, fields) => logger.warn({ ...fields, msg: message }),
    error: (message, fields) => logger.error({ ...fields, msg: message }),
  };
}

/** Closes the ledger connection and the payload sockets when the process stops. */
@Injectable()
class CoordinatorLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly ledger: XrplLedgerGateway,
    private readonly coordination: CoordinationService,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.coordination.closeWatches();
    await this.ledger.close();
  }
}

/**
 * Wires the domain use-cases to their adapters (PostgreSQL, xrpl.Client, xumm-sdk) for the API and
 * the worker alike. Announces the signature-verification crypto backend, loudly if it is a fallback.
 */
@Module({})
export class CoordinatorModule {
  /** `dataSourceName`: the TypeORM data source to use (the worker names its own). */
  static forRoot(dataSourceName?: string): DynamicModule {
    return {
      module: CoordinatorModule,
      providers: [
        {
          provide: XrplLedgerGateway,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            new XrplLedgerGateway(config.xrpl.url, { timeoutMs: config.xrpl.requestTimeoutMs }),
        },
        {
          provide: XamanGateway,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            new XamanGateway({
              apiKey: config.xaman.apiKey,
              apiSecret: config.xaman.apiSecret,
              endpoint: config.xaman.endpoint,
              timeoutMs: config.xaman.requestTimeoutMs,
            }),
        },
        {
          provide: TokenCipher,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => new TokenCipher(config.security.tokenEncryptionKey),
        },
        {
          provide: TypeormCoordinatorStore,
          inject: [getDataSourceToken(dataSourceName)],
          useFactory: (dataSource: DataSource) => new TypeormCoordinatorStore(dataSource),
        },
        {
          provide: AccountsService,
          inject: [TypeormCoordinatorStore, XrplLedgerGateway, TokenCipher, APP_CONFIG],
          useFactory: (
            store: TypeormCoordinatorStore,
            ledger: XrplLedgerGateway,
            cipher: TokenCipher,
            config: AppConfig,
          ) => new AccountsService(store, ledger, cipher, coordinatorSettings(config)),
        },
        {
          provide: CoordinationService,
          inject: [TypeormCoordinatorStore, XrplLedgerGateway, XamanGateway, TokenCipher, APP_CONFIG],
          useFactory: (
            store: TypeormCoordinatorStore,
            ledger: XrplLedgerGateway,
            xaman: XamanGateway,
            cipher: TokenCipher,
            config: AppConfig,
          ) => {
            const logger = new Logger('Coordination');
            const backend = cryptoBackend();
            if (backend.fallback) {
              logger.error({ backend }, `SLOW SIGNATURE VERIFICATION: ${backend.description}`);
            } else {
              logger.log({ backend }, `signature verification: ${backend.description}`);
            }
            return new CoordinationService(
              store,
              ledger,
              xaman,
              cipher,
              coordinatorSettings(config),
              domainLogger(logger),
            );
          },
        },
        CoordinatorLifecycle,
      ],
      exports: [
        AccountsService,
        CoordinationService,
        XamanGateway,
        XrplLedgerGateway,
        TypeormCoordinatorStore,
      ],
    };
  }
}
