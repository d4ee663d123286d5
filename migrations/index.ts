import { CreateSchema1763776800000 } from './1763776800000-CreateSchema';
import { AddSubmissionTracking1796025954976 } from './1796025954976-AddSubmissionTracking';
import { AddApiKeyExpiry1796200000000 } from './1796200000000-AddApiKeyExpiry';

/** Every migration, in order. Add new ones here; never edit one that has been merged. */
export const MIGRATIONS = [
  CreateSchema1763776800000,
  AddSubmissionTracking1796025954976,
  AddApiKeyExpiry1796200000000,
];
