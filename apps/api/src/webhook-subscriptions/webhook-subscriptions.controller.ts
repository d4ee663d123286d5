import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  CreateWebhookSubscription,
  DeleteWebhookSubscription,
  ResendWebhookDelivery,
  UpdateWebhookSubscription,
  WEBHOOK_EVENT_TYPES,
  WebhookDeliveryRecord,
  WebhookSubscriptionQueries,
  WebhookSubscriptionRecord,
} from '@app/domain';
import { AuthenticatedKey, RequireRole } from '../auth/auth.decorators';
import { CurrentKey } from '../auth/current-key.decorator';
import { actorOf } from '../common/actor';
import { ApiException } from '../common/api-error.filter';
import { ApiRoute } from '../openapi/api-route.decorator';
import { BODY_ERRORS } from '../openapi/error.responses';
import { UuidParam } from '../common/params';

const EVENTS_HELP = `Event filters: "*", a group ("proposal.*", "signature_request.*", "signature.*", "account.*", "signer.*") or a type: ${WEBHOOK_EVENT_TYPES.join(', ')}`;

export class CreateWebhookSubscriptionDto {
  @ApiProperty({ example: 'https://erp.example.com/hooks/multisign', description: 'http(s) URL' })
  @IsString()
  @Length(1, 2000)
  url!: string;

  @ApiProperty({ type: [String], example: ['proposal.*', 'signature.refused'], description: EVENTS_HELP })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  events!: string[];

  @ApiPropertyOptional({ example: 'ERP ledger sync' })
  @IsOptional()
  @IsString()
  @Length(1, 280)
  description?: string;
}

export class UpdateWebhookSubscriptionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  url?: string;

  @ApiPropertyOptional({ type: [String], description: EVENTS_HELP })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  events?: string[];

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Length(1, 280)
  description?: string | null;

  @ApiPropertyOptional({
    description: 'true re-enables a disabled subscription; its pending deliveries resume',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ListDeliveriesQuery {
  @ApiPropertyOptional({ enum: ['pending', 'delivered'] })
  @IsOptional()
  @IsIn(['pending', 'delivered'])
  status?: 'pending' | 'delivered';

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class WebhookSubscriptionView {
  @ApiProperty() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) disabledAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) disabledReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class CreatedWebhookSubscriptionView extends WebhookSubscriptionView {
  @ApiProperty({
    description: 'whsec_<base64>: shown in this answer only',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  secret!: string;
}

export class WebhookDeliveryView {
  @ApiProperty() id!: string;
  @ApiProperty() subscriptionId!: string;
  @ApiProperty({ description: 'the webhook-id header: the same on every attempt and resend' })
  eventId!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) eventType!: string;
  @ApiProperty({ description: 'a proposal id or an account id' }) orderingKey!: string;
  @ApiProperty({ enum: ['pending', 'delivered'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, format: 'date-time' }) nextAttemptAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastAttemptAt!: Date | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) failingSince!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deliveredAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

/** Never the secret. */
function subscriptionView(s: WebhookSubscriptionRecord): WebhookSubscriptionView {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    description: s.description,
    enabled: s.enabled,
    disabledAt: s.disabledAt,
    disabledReason: s.disabledReason,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

function deliveryView(d: WebhookDeliveryRecord): WebhookDeliveryView {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    eventType: d.eventType,
    orderingKey: d.orderingKey,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt,
    lastAttemptAt: d.lastAttemptAt,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    failingSince: d.firstFailedAt,
    deliveredAt: d.deliveredAt,
    createdAt: d.createdAt,
  };
}

@ApiTags('webhook subscriptions')
@RequireRole('admin')
@Controller('v1/webhook-subscriptions')
export class WebhookSubscriptionsController {
  constructor(
    private readonly creating: CreateWebhookSubscription,
    private readonly updating: UpdateWebhookSubscription,
    private readonly deleting: DeleteWebhookSubscription,
    private readonly queries: WebhookSubscriptionQueries,
  ) {}

  @Post()
  @ApiRoute({
    summary: 'Subscribe an endpoint to events; the signing secret is shown once',
    role: 'admin',
    errors: [...BODY_ERRORS, 'INVALID_WEBHOOK_URL', 'INVALID_EVENT_FILTER'],
  })
  @ApiResponse({ status: 201, type: CreatedWebhookSubscriptionView })
  async create(
    @Body() body: CreateWebhookSubscriptionDto,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ): Promise<CreatedWebhookSubscriptionView> {
    const { subscription, secret } = await this.creating.execute(body, actorOf(key, req.id));
    return { ...subscriptionView(subscription), secret };
  }

  @Get()
  @ApiRoute({ summary: 'Every subscription (never its secret)', role: 'admin' })
  @ApiResponse({ status: 200, type: WebhookSubscriptionView, isArray: true, description: '{ items }' })
  async list() {
    return { items: (await this.queries.list()).map(subscriptionView) };
  }

  @Get(':id')
  @ApiRoute({
    summary: 'One subscription',
    role: 'admin',
    errors: ['VALIDATION_FAILED', 'WEBHOOK_SUBSCRIPTION_NOT_FOUND'],
  })
  @ApiResponse({ status: 200, type: WebhookSubscriptionView })
  async get(@UuidParam('id') id: string): Promise<WebhookSubscriptionView> {
    return subscriptionView(await this.queries.get(id));
  }

  @Patch(':id')
  @ApiRoute({
    summary: 'Change the URL, filters or description; enable or disable',
    role: 'admin',
    errors: [...BODY_ERRORS, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND', 'INVALID_WEBHOOK_URL', 'INVALID_EVENT_FILTER'],
  })
  @ApiResponse({ status: 200, type: WebhookSubscriptionView })
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateWebhookSubscriptionDto,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ): Promise<WebhookSubscriptionView> {
    return subscriptionView(await this.updating.execute(id, body, actorOf(key, req.id)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiRoute({
    summary: 'Delete a subscription and its delivery log',
    role: 'admin',
    errors: ['VALIDATION_FAILED', 'WEBHOOK_SUBSCRIPTION_NOT_FOUND'],
  })
  @ApiResponse({ status: 204, description: 'deleted' })
  async remove(
    @UuidParam('id') id: string,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ): Promise<void> {
    await this.deleting.execute(id, actorOf(key, req.id));
  }

  @Get(':id/deliveries')
  @ApiRoute({
    summary: 'The delivery log of a subscription, newest first',
    role: 'admin',
    errors: ['VALIDATION_FAILED', 'INVALID_CURSOR', 'WEBHOOK_SUBSCRIPTION_NOT_FOUND'],
  })
  @ApiResponse({
    status: 200,
    type: WebhookDeliveryView,
    isArray: true,
    description: '{ items, nextCursor }',
  })
  async deliveries(@UuidParam('id') id: string, @Query() query: ListDeliveriesQuery) {
    const limit = query.limit ?? 50;
    let beforeSequence: number | undefined;
    if (query.cursor !== undefined) {
      if (!/^\d{1,18}$/.test(query.cursor))
        throw new ApiException('INVALID_CURSOR', 'The cursor is not valid.');
      beforeSequence = Number(query.cursor);
    }
    const page = await this.queries.deliveries({
      subscriptionId: id,
      status: query.status,
      beforeSequence,
      limit,
    });
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map(deliveryView),
      nextCursor: page.more && last ? String(last.sequence) : null,
    };
  }
}

@ApiTags('webhook subscriptions')
@RequireRole('admin')
@Controller('v1/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly resending: ResendWebhookDelivery) {}

  @Post(':id/resend')
  @HttpCode(202)
  @ApiRoute({
    summary: 'Send a delivery again (same webhook-id), in its place in the order',
    role: 'admin',
    errors: ['VALIDATION_FAILED', 'WEBHOOK_DELIVERY_NOT_FOUND'],
  })
  @ApiResponse({ status: 202, type: WebhookDeliveryView })
  async resend(
    @UuidParam('id') id: string,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ): Promise<WebhookDeliveryView> {
    return deliveryView(await this.resending.execute(id, actorOf(key, req.id)));
  }
}
