import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { PolicyRecord, PolicyRules } from '@app/domain';

const DROPS = /^(0|[1-9][0-9]{0,16})$/;

export class DestinationRuleDto {
  @ApiProperty({ example: 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe' })
  @IsString()
  @Matches(/^r[1-9A-HJ-NP-Za-km-z]{24,34}$/, { message: 'address must be a classic r-address' })
  address!: string;

  @ApiPropertyOptional({ nullable: true, description: 'When set, payments must carry exactly this tag.' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(0xffffffff)
  destinationTag?: number | null;
}

export class WindowLimitDto {
  @ApiProperty({ example: 24, description: 'A rolling window ending now, in hours.' })
  @IsInt()
  @Min(1)
  @Max(8784)
  hours!: number;

  @ApiProperty({
    example: '500000000',
    description: 'Drops that succeeded and in-flight proposals may send out in it.',
  })
  @IsString()
  @Matches(DROPS, { message: 'maxDrops must be drops as a decimal string' })
  maxDrops!: string;
}

export class TimeLockDto {
  @ApiProperty({
    example: '100000000',
    description: 'Proposals sending out more than this (drops) wait after quorum.',
  })
  @IsString()
  @Matches(DROPS, { message: 'aboveDrops must be drops as a decimal string' })
  aboveDrops!: string;

  @ApiProperty({ example: 86400, description: 'Seconds between quorum and submission.' })
  @IsInt()
  @Min(1)
  @Max(30 * 24 * 3600)
  delaySeconds!: number;
}

/** `PUT /v1/accounts/:id/policy`: the whole policy (fields left out take the safe default). */
export class AccountPolicyDto {
  @ApiPropertyOptional({ example: ['Payment', 'TicketCreate', 'AccountSet'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @Matches(/^[A-Z][A-Za-z]{1,40}$/, { each: true, message: 'each transaction type is a name like Payment' })
  allowedTransactionTypes?: string[];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  allowAccountSetFlags?: boolean;

  @ApiPropertyOptional({ default: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(250)
  maxTicketCount?: number;

  @ApiPropertyOptional({
    type: [DestinationRuleDto],
    nullable: true,
    description: 'null or absent: any destination.',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => DestinationRuleDto)
  destinations?: DestinationRuleDto[] | null;

  @ApiPropertyOptional({ nullable: true, example: '100000000' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Matches(DROPS, { message: 'maxAmountDrops must be drops as a decimal string' })
  maxAmountDrops?: string | null;

  @ApiPropertyOptional({ type: [WindowLimitDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @ValidateNested({ each: true })
  @Type(() => WindowLimitDto)
  windowLimits?: WindowLimitDto[];

  @ApiPropertyOptional({ nullable: true, example: 1000 })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(1)
  maxFeeDrops?: number | null;

  @ApiPropertyOptional({ nullable: true, example: 1440 })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(43_200)
  maxSigningWindowMinutes?: number | null;

  @ApiPropertyOptional({ type: TimeLockDto, nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @ValidateNested()
  @Type(() => TimeLockDto)
  timeLock?: TimeLockDto | null;
}

export function rulesOf(body: AccountPolicyDto, defaults: PolicyRules): PolicyRules {
  return {
    allowedTransactionTypes: body.allowedTransactionTypes ?? defaults.allowedTransactionTypes,
    allowAccountSetFlags: body.allowAccountSetFlags ?? defaults.allowAccountSetFlags,
    maxTicketCount: body.maxTicketCount ?? defaults.maxTicketCount,
    destinations:
      body.destinations === undefined || body.destinations === null
        ? null
        : body.destinations.map((d) => ({ address: d.address, destinationTag: d.destinationTag ?? null })),
    maxAmountDrops: body.maxAmountDrops ?? null,
    windowLimits: (body.windowLimits ?? []).map((w) => ({ hours: w.hours, maxDrops: w.maxDrops })),
    maxFeeDrops: body.maxFeeDrops ?? null,
    maxSigningWindowMinutes: body.maxSigningWindowMinutes ?? null,
    timeLock: body.timeLock
      ? { aboveDrops: body.timeLock.aboveDrops, delaySeconds: body.timeLock.delaySeconds }
      : null,
  };
}

export class AccountPolicyView {
  @ApiProperty() accountId!: string;
  @ApiProperty({ description: '0: the built-in safe default (no policy set yet).' }) version!: number;
  @ApiProperty() isDefault!: boolean;
  @ApiProperty({ type: AccountPolicyDto }) rules!: PolicyRules;
  @ApiProperty({ nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty({ nullable: true, type: Date }) createdAt!: Date | null;
}

export function policyView(policy: PolicyRecord): AccountPolicyView {
  return {
    accountId: policy.accountId,
    version: policy.version,
    isDefault: policy.version === 0,
    rules: policy.rules,
    createdBy: policy.createdBy,
    createdAt: policy.createdAt,
  };
}
