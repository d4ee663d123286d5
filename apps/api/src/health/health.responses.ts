import { ApiProperty } from '@nestjs/swagger';
import { NETWORK_NAMES } from '@app/config';

export class HealthResponse {
  @ApiProperty({ enum: ['ok', 'error'] })
  status!: 'ok' | 'error';
  @ApiProperty({ enum: ['up', 'down'] })
  database!: 'up' | 'down';
  @ApiProperty({ enum: NETWORK_NAMES, enumName: 'Network' })
  network!: string;
  @ApiProperty({ description: 'Running against the offline sandboxes (never in production).' })
  sandbox!: boolean;
  @ApiProperty({ example: 2 })
  checkedInMs!: number;
}
