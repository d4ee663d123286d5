import { CreateSchema1763776800000 } from './1763776800000-CreateSchema';
import { AddSubmissionTracking1796025954976 } from './1796025954976-AddSubmissionTracking';
import { AddSignerEnrolment1796100000000 } from './1796100000000-AddSignerEnrolment';
import { AddWebhookOutbox1796200000000 } from './1796200000000-AddWebhookOutbox';
import { AddApiKeyExpiry1796300000000 } from './1796300000000-AddApiKeyExpiry';
import { AddConsoleSessions1796400000000 } from './1796400000000-AddConsoleSessions';
import { AddTreasuryControls1796500000000 } from './1796500000000-AddTreasuryControls';
import { AddAccountSetups1796700000000 } from './1796700000000-AddAccountSetups';
import { AddLiveLedgerHealth1796812000000 } from './1796812000000-AddLiveLedgerHealth';
import { AllowCustomNetworks1796850000000 } from './1796850000000-AllowCustomNetworks';
import { AddPayloadResolutionLease1796900000000 } from './1796900000000-AddPayloadResolutionLease';

/** Every migration, in order. Add new ones here; never edit one that has been merged. */
export const MIGRATIONS = [
  CreateSchema1763776800000,
  AddSubmissionTracking1796025954976,
  AddSignerEnrolment1796100000000,
  AddWebhookOutbox1796200000000,
  AddApiKeyExpiry1796300000000,
  AddConsoleSessions1796400000000,
  AddTreasuryControls1796500000000,
  AddAccountSetups1796700000000,
  AddLiveLedgerHealth1796812000000,
  AllowCustomNetworks1796850000000,
  AddPayloadResolutionLease1796900000000,
];
