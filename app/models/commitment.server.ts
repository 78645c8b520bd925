// Commitments (帮扶承诺): one provider, one need, an amount or quantity and a due date, from pledge to
// verified delivery and two-way feedback (DOMAIN.md). The rules live in app/models/commitment/*;
// this file is the one import path. Forms are in commitment.schema.ts; evidence files in
// upload.server.ts. Who may do what: see commitment/authorize-commitment.server.ts.
export { DEFAULT_COMMITMENT_LAPSE_DAYS, type CreatedCommitment, commitmentLapseDays, createCommitment } from './commitment/create-commitment.server.ts'
export { acceptCommitment, confirmDelivery, declineCommitment, startDelivery, withdrawCommitment } from './commitment/transition-commitment.server.ts'
export { disputeCommitment, verifyCommitment } from './commitment/verify-commitment.server.ts'
export { CONFIRM_MILESTONE_STATUSES, MILESTONE_STATUSES, UPDATE_STATUSES, addMilestone, confirmMilestone, postCommitmentUpdate } from './commitment/track-commitment.server.ts'
export { giveFeedback } from './commitment/rate-commitment.server.ts'
export { lapseCommitments } from './commitment/lapse-commitment.server.ts'
export {
	type CommitmentDetail,
	OVERDUE_STATUSES,
	getCommitment,
	isOverdue,
	listCommitmentEvents,
	listCommitmentsForNeed,
	listCommitmentsForOrg,
} from './commitment/query-commitment.server.ts'
export {
	COUNTED_STATUSES,
	DELIVERED_STATUSES,
	VERIFIED_STATUSES,
	committedByNeed,
	committedByOffer,
	committedToNeed,
	committedToOffer,
	verifiedForNeed,
} from './commitment/sum-commitment.server.ts'
export { canActForProvider, canVerifyFor } from './commitment/authorize-commitment.server.ts'
export { isMysql, lockForUpdate } from './commitment/lock-commitment.server.ts'
