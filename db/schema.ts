// The Database interface: types only. Column names are camelCase here; Kysely's CamelCasePlugin
// maps them to the snake_case names in SQL (raw `sql` fragments must use snake_case).
import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

/** Epoch milliseconds. */
type Millis = number
/** 0 or 1: booleans are stored as integers on both dialects. */
type Flag = number

export type RegionLevel = 1 | 2 | 3 | 4 | 5

export interface RegionTable {
	code: string
	name: string
	level: RegionLevel
	parentCode: string | null
	isKeyCounty: Generated<Flag>
}

export interface AccountTable {
	id: string
	email: string
	username: string
	displayName: string
	passwordHash: string
	isNationalAdmin: Generated<Flag>
	locale: Generated<string>
	createdAt: Millis
	updatedAt: Millis
}

export interface SessionTable {
	id: string
	accountId: string
	expiresAt: Millis
	createdAt: Millis
	ip: string | null
	userAgent: string | null
}

export interface LoginAttemptTable {
	id: string
	accountKey: string
	ip: string
	succeeded: Flag
	createdAt: Millis
}

export type OrgKind =
	| 'central_unit'
	| 'east_west_partner'
	| 'mass_org'
	| 'enterprise'
	| 'social_org'
	| 'village'
	| 'government'
export type OrgStatus = 'pending' | 'verified' | 'rejected' | 'suspended'
export type MemberRole = 'owner' | 'admin' | 'member'

export interface OrganizationTable {
	id: string
	kind: OrgKind
	subtype: string | null
	name: string
	uscc: string | null
	regionCode: string | null
	villageCode: string | null
	status: OrgStatus
	statusReason: string | null
	reviewedBy: string | null
	reviewedAt: Millis | null
	description: Generated<string>
	contactName: string | null
	contactPhone: string | null
	isDemo: Generated<Flag>
	createdBy: string | null
	createdAt: Millis
	updatedAt: Millis
}

export interface MembershipTable {
	orgId: string
	accountId: string
	role: MemberRole
	createdAt: Millis
}

export type PairingKind = 'targeted' | 'east_west' | 'twinning'

export interface PairingTable {
	id: string
	kind: PairingKind
	providerOrgId: string | null
	providerRegionCode: string | null
	recipientRegionCode: string
	startedYear: number
	note: Generated<string>
	status: 'active' | 'ended'
	createdBy: string | null
	createdAt: Millis
	endedBy: string | null
	endedAt: Millis | null
}

export interface EventTable {
	id: string
	entityType: string
	entityId: string
	action: string
	fromState: string | null
	toState: string | null
	actorAccountId: string | null
	actorOrgId: string | null
	note: Generated<string>
	requestId: string | null
	createdAt: Millis
}

export type NeedCategory =
	| 'industry'
	| 'talent'
	| 'culture'
	| 'ecology'
	| 'organization'
	| 'infrastructure'
	| 'education'
	| 'health'
	| 'employment'
	| 'consumption'
	| 'social_protection'
export type Measure = 'amount' | 'quantity'
export type Urgency = 'low' | 'normal' | 'high' | 'critical'
export type NeedStatus = 'draft' | 'submitted' | 'returned' | 'rejected' | 'published' | 'closed' | 'cancelled' | 'expired' | 'duplicate'
export type OfferStatus = 'draft' | 'active' | 'paused' | 'withdrawn' | 'expired'
export type OfferCoverage = 'nationwide' | 'regions' | 'pairings'
export type ProjectType = 'industry' | 'public_welfare'
export type ProjectStatus = 'planned' | 'running' | 'completed'

export interface NeedTable {
	id: string
	villageOrgId: string
	villageCode: string
	title: string
	description: string
	category: NeedCategory
	measure: Measure
	unit: string | null
	/** fen when measure = 'amount', whole units of `unit` when 'quantity' */
	target: number
	beneficiaries: Generated<number>
	urgency: Urgency
	neededBy: Millis
	status: NeedStatus
	statusNote: string | null
	duplicateOf: string | null
	reviewedBy: string | null
	reviewedAt: Millis | null
	submittedAt: Millis | null
	publishedAt: Millis | null
	closedAt: Millis | null
	createdBy: string
	createdAt: Millis
	updatedAt: Millis
}

export interface OfferTable {
	id: string
	providerOrgId: string
	title: string
	description: string
	measure: Measure
	unit: string | null
	/** null = unlimited */
	capacity: number | null
	coverage: OfferCoverage
	/**
	 * The offer's categories (offer_category, the record) as bits: CATEGORY_BITS of
	 * app/models/marketplace-vocab.ts. Written with offer_category, for the suggestion indexes.
	 */
	categoryMask: number
	validFrom: Millis
	validUntil: Millis
	status: OfferStatus
	statusNote: string | null
	publishedAt: Millis | null
	createdBy: string
	createdAt: Millis
	updatedAt: Millis
}

export interface OfferCategoryTable {
	offerId: string
	category: NeedCategory
}

export interface OfferRegionTable {
	offerId: string
	regionCode: string
}

export interface ProjectTable {
	id: string
	enterpriseOrgId: string
	title: string
	description: string
	type: ProjectType
	/** fen */
	plannedInvestment: number
	permanentJobs: Generated<number>
	temporaryJobs: Generated<number>
	peopleTrained: Generated<number>
	startsOn: Millis
	endsOn: Millis
	status: ProjectStatus
	/** fen: what an official confirmed was invested (CSR indicators count only this); null until verified */
	verifiedInvestment: number | null
	verifiedAt: Millis | null
	verifiedBy: string | null
	createdBy: string
	createdAt: Millis
	updatedAt: Millis
}

export interface ProjectVillageTable {
	projectId: string
	villageCode: string
}

export interface ProjectUpdateTable {
	id: string
	projectId: string
	body: string
	happenedOn: Millis
	createdBy: string
	createdAt: Millis
}

export interface UploadTable {
	id: string
	ownerType: string
	ownerId: string
	kind: 'photo' | 'document'
	contentType: string
	byteSize: number
	originalName: string
	storageKey: string
	createdBy: string
	createdAt: Millis
}

export type SearchEntityType = 'need' | 'offer' | 'project'

export interface SearchOutboxTable {
	id: string
	entityType: SearchEntityType
	entityId: string
	attempts: Generated<number>
	nextAttemptAt: Millis
	lastError: string | null
	createdAt: Millis
}

export type CommitmentStatus =
	| 'pledged'
	| 'accepted'
	| 'in_delivery'
	| 'delivered'
	| 'verified'
	| 'closed'
	| 'declined'
	| 'withdrawn'
	| 'disputed'
	| 'lapsed'

export interface CommitmentTable {
	id: string
	needId: string
	offerId: string | null
	providerOrgId: string
	villageOrgId: string
	villageCode: string
	/** fen or whole units, as the need's measure */
	amount: number
	deliveredAmount: number | null
	status: CommitmentStatus
	message: string
	dueAt: Millis
	lapseAt: Millis
	statusReason: string | null
	idempotencyKey: string | null
	acceptedAt: Millis | null
	deliveryStartedAt: Millis | null
	deliveredAt: Millis | null
	verifiedAt: Millis | null
	verifiedBy: string | null
	closedAt: Millis | null
	createdBy: string
	createdAt: Millis
	updatedAt: Millis
}

export interface CommitmentMilestoneTable {
	id: string
	commitmentId: string
	title: string
	dueAt: Millis
	/** percent */
	share: number
	status: 'open' | 'reported' | 'confirmed'
	confirmedBy: string | null
	confirmedAt: Millis | null
	createdBy: string
	createdAt: Millis
}

export interface CommitmentUpdateTable {
	id: string
	commitmentId: string
	milestoneId: string | null
	body: string
	createdBy: string
	createdAt: Millis
}

export interface CommitmentFeedbackTable {
	commitmentId: string
	side: 'village' | 'provider'
	rating: number
	comment: string
	createdBy: string
	createdAt: Millis
}

export interface NotificationTable {
	id: string
	accountId: string
	kind: string
	entityType: string
	entityId: string
	/** JSON */
	params: string
	dedupeKey: string | null
	readAt: Millis | null
	emailedAt: Millis | null
	createdAt: Millis
}

/** What officials supervise: a region (its 12-digit code) or a provider org (its id). */
export type SubjectType = 'region' | 'org'
export type AppraisalGrade = 'good' | 'fairly_good' | 'average' | 'poor'
export type InterviewStatus = 'open' | 'rectified' | 'unresolved'
export type CampaignLevel = 'national' | 'provincial' | 'city' | 'county'
export type CampaignStatus = 'draft' | 'nominating' | 'reviewing' | 'notice' | 'decided' | 'cancelled'
export type AwardCategory = 'advanced_individual' | 'advanced_collective' | 'social_contribution'
export type NominationStatus = 'nominated' | 'rejected' | 'withdrawn' | 'awarded'
export type ObjectionStatus = 'open' | 'upheld' | 'dismissed'

export interface IndicatorTargetTable {
	id: string
	subjectType: SubjectType
	subjectId: string
	year: number
	indicator: string
	/** In the indicator's unit: fen, people, villages, or per-mille for rates. */
	target: number
	setBy: string
	setByOrgId: string
	createdAt: Millis
	updatedAt: Millis
}

export interface AppraisalTable {
	id: string
	subjectType: SubjectType
	subjectId: string
	year: number
	/** 0..1000 */
	score: number
	/** JSON */
	breakdown: string
	grade: AppraisalGrade
	comment: string
	appraisedBy: string
	appraiserOrgId: string
	createdAt: Millis
}

export interface WorkReportTable {
	id: string
	subjectType: SubjectType
	subjectId: string
	year: number
	problems: string
	nextSteps: string
	createdBy: string
	authorOrgId: string
	createdAt: Millis
	updatedAt: Millis
}

export interface WorkReportCaseTable {
	reportId: string
	commitmentId: string
	position: number
	note: string
}

export interface InterviewTable {
	id: string
	subjectType: SubjectType
	subjectId: string
	/** The subject's region ('' for an org without one). */
	regionCode: string
	heldAt: Millis
	interviewerId: string
	interviewerOrgId: string
	attendees: string
	issues: string
	rectification: string
	deadline: Millis
	status: InterviewStatus
	remindedAt: Millis | null
	closedAt: Millis | null
	createdAt: Millis
	updatedAt: Millis
}

export interface InterviewFollowUpTable {
	id: string
	interviewId: string
	note: string
	statusTo: InterviewStatus
	createdBy: string
	createdAt: Millis
}

export interface AccountabilityRecordTable {
	id: string
	subjectType: SubjectType
	subjectId: string
	regionCode: string
	failure: string
	measures: string
	status: 'open' | 'closed'
	recordedBy: string
	recorderOrgId: string
	closeNote: string | null
	closedBy: string | null
	closedAt: Millis | null
	createdAt: Millis
}

export interface AccountabilityCommitmentTable {
	recordId: string
	commitmentId: string
}

export interface CampaignTable {
	id: string
	title: string
	year: number
	level: CampaignLevel
	/** '' for national */
	regionCode: string
	organizerOrgId: string
	description: string
	periodStart: Millis
	periodEnd: Millis
	/** fen */
	minVerifiedAmount: number
	minVerifiedCount: number
	nominationEndsAt: Millis
	status: CampaignStatus
	noticeStartsAt: Millis | null
	noticeEndsAt: Millis | null
	decidedAt: Millis | null
	createdBy: string
	createdAt: Millis
	updatedAt: Millis
}

export interface CampaignCategoryTable {
	campaignId: string
	category: AwardCategory
	quota: number
}

export interface NominationTable {
	id: string
	campaignId: string
	category: AwardCategory
	orgId: string
	/** '' for collective awards */
	personName: string
	citation: string
	/** JSON */
	eligibility: string
	selfNominated: number
	nominatedBy: string
	nominatorOrgId: string
	status: NominationStatus
	statusNote: string | null
	createdAt: Millis
	updatedAt: Millis
}

export interface NominationReviewTable {
	nominationId: string
	reviewerId: string
	score: number
	comment: string
	createdAt: Millis
	updatedAt: Millis
}

export interface ObjectionTable {
	id: string
	nominationId: string
	accountId: string
	reason: string
	status: ObjectionStatus
	resolution: string | null
	resolvedBy: string | null
	resolvedAt: Millis | null
	createdAt: Millis
}

export interface AwardTable {
	id: string
	campaignId: string
	nominationId: string
	category: AwardCategory
	orgId: string
	personName: string
	certificateNo: string
	awardedAt: Millis
}

export type ApiTokenScope = 'read' | 'read_write'

export interface ApiTokenTable {
	id: string
	accountId: string
	name: string
	/** SHA-256 hex of the token */
	tokenHash: string
	prefix: string
	scope: ApiTokenScope
	expiresAt: Millis
	lastUsedAt: Millis | null
	revokedAt: Millis | null
	createdAt: Millis
}

export interface ApiIdempotencyTable {
	tokenId: string
	idempotencyKey: string
	request: string
	requestHash: string
	status: number
	/** JSON */
	response: string
	createdAt: Millis
}

export interface ApiRateTable {
	tokenId: string
	windowStart: Millis
	count: number
}

export interface DB {
	region: RegionTable
	account: AccountTable
	session: SessionTable
	loginAttempt: LoginAttemptTable
	organization: OrganizationTable
	membership: MembershipTable
	pairing: PairingTable
	event: EventTable
	need: NeedTable
	offer: OfferTable
	offerCategory: OfferCategoryTable
	offerRegion: OfferRegionTable
	project: ProjectTable
	projectVillage: ProjectVillageTable
	projectUpdate: ProjectUpdateTable
	upload: UploadTable
	searchOutbox: SearchOutboxTable
	commitment: CommitmentTable
	commitmentMilestone: CommitmentMilestoneTable
	commitmentUpdate: CommitmentUpdateTable
	commitmentFeedback: CommitmentFeedbackTable
	notification: NotificationTable
	indicatorTarget: IndicatorTargetTable
	appraisal: AppraisalTable
	workReport: WorkReportTable
	workReportCase: WorkReportCaseTable
	interview: InterviewTable
	interviewFollowUp: InterviewFollowUpTable
	accountabilityRecord: AccountabilityRecordTable
	accountabilityCommitment: AccountabilityCommitmentTable
	campaign: CampaignTable
	campaignCategory: CampaignCategoryTable
	nomination: NominationTable
	nominationReview: NominationReviewTable
	objection: ObjectionTable
	award: AwardTable
	apiToken: ApiTokenTable
	apiIdempotency: ApiIdempotencyTable
	apiRate: ApiRateTable
}

export type Region = Selectable<RegionTable>
export type Account = Selectable<AccountTable>
export type NewAccount = Insertable<AccountTable>
export type Organization = Selectable<OrganizationTable>
export type NewOrganization = Insertable<OrganizationTable>
export type OrganizationUpdate = Updateable<OrganizationTable>
export type Membership = Selectable<MembershipTable>
export type Pairing = Selectable<PairingTable>
export type Event = Selectable<EventTable>
export type Need = Selectable<NeedTable>
export type Offer = Selectable<OfferTable>
export type Project = Selectable<ProjectTable>
export type Upload = Selectable<UploadTable>
export type Commitment = Selectable<CommitmentTable>
export type Notification = Selectable<NotificationTable>
