// Commendation (表彰, DOMAIN.md 激励约束): campaigns, nominations with an automatic eligibility
// check, review with scores, the public notice (公示) with objections, the decision and the honor
// roll. The rules live in app/models/commendation/*; this file is the one import for routes.
export { createCampaign, openNominations, startReview, cancelCampaign } from './commendation/campaign.server.ts'
export { nominate, reviewNomination, rejectNomination } from './commendation/nominate.server.ts'
export { startNotice, fileObjection, resolveObjection, decideCampaign, NOT_SHORTLISTED_NOTE } from './commendation/notice.server.ts'
export { checkEligibility, explainFailures, formatFenExact, ruleValues, type Eligibility, type EligibilityRule } from './commendation/eligibility.server.ts'
export { listCampaigns, getCampaignDetail, nominationCandidates, type NominationRow } from './commendation/query-commendation.server.ts'
export { listHonors, countHonors, HONORS_PAGE_SIZE, honorYears, getCertificate, contributionLeaderboard, LEADERBOARD_SIZE, type HonorFilters, type LeaderboardQuery } from './commendation/honors.server.ts'
export { organizerOptions, manages, nominatesAsOfficial, type OrganizerOption } from './commendation/authorize-commendation.server.ts'
