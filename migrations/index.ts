import { CreateSchema1763776800000 } from './1763776800000-CreateSchema';
import { AddSubmissionTracking1796025954976 } from './1796025954976-AddSubmissionTracking';
import { AddTreasuryControls1796028173051 } from './1796028173051-AddTreasuryControls';

/** Every migration, in order. Add new ones here; never edit one that has been merged. */
export const MIGRATIONS = [
  CreateSchema1763776800000,
  AddSubmissionTracking1796025954976,
  AddTreasuryControls1796028173051,
];
