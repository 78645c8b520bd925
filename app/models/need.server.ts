// Village needs (村级需求): what a village asks for, its review by the township or county, and its
// lifecycle until closed. The rules live in app/models/need/*; this file is the one import path.
// Schemas and pure helpers (dates, yuan ↔ fen) are in need.schema.ts; photos in upload.server.ts.
export { createNeed, updateNeed } from './need/create-need.server.ts'
export { cancelNeed, closeNeed, markNeedDuplicate, reconfirmNeed, reviewNeed, submitNeed } from './need/transition-need.server.ts'
export { DEFAULT_NEED_EXPIRY_GRACE_DAYS, expireNeeds, needExpiryGraceDays } from './need/expire-need.server.ts'
export {
	type NeedDetail,
	type NeedProgress,
	countNeedsAwaitingReview,
	getNeed,
	listNeedEvents,
	listNeedPhotos,
	listNeedsForVillageOrg,
	listReviewQueue,
} from './need/query-need.server.ts'
export { canActForVillage, canReviewNeed, PUBLIC_NEED_STATUSES } from './need/authorize-need.server.ts'
