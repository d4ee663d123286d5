import { ApiProperty } from '@nestjs/swagger';
import { API_KEY_ROLES, ApiKeyRole } from '@app/domain';
import { NETWORK_NAMES } from '@app/config';
import { DATE_TIME } from '../openapi/schema-helpers';

export class SessionStartedResponse {
  @ApiProperty({ enum: API_KEY_ROLES, enumName: 'ApiKeyRole' })
  role!: ApiKeyRole;
  @ApiProperty({ description: "The key's name." })
  name!: string;
  @ApiProperty({ ...DATE_TIME, description: 'When the session ends (never after the key expires).' })
  expiresAt!: Date;
}

export class CurrentSessionResponse {
  @ApiProperty({ format: 'uuid' })
  keyId!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: API_KEY_ROLES, enumName: 'ApiKeyRole' })
  role!: ApiKeyRole;
  @ApiProperty({ enum: ['session', 'api_key'] })
  authenticatedBy!: 'session' | 'api_key';
  @ApiProperty({ enum: NETWORK_NAMES, enumName: 'Network' })
  network!: string;
  @ApiProperty({ description: 'Running against the offline sandboxes (never in production).' })
  sandbox!: boolean;
}

export class SignedOutResponse {
  @ApiProperty({ description: 'A console session was ended (false for a request made with an API key).' })
  signedOut!: boolean;
}
