import { describe, expect, it } from 'vitest'
import { isValidUscc, usccCheckChar } from './uscc.ts'

describe('统一社会信用代码', () => {
	it('accepts published codes', () => {
		// Published codes of well-known enterprises.
		expect(isValidUscc('91110000100006485K')).toBe(true) // 中国移动通信集团有限公司
		expect(isValidUscc('91330100716105852F')).toBe(true) // 阿里巴巴(中国)网络技术有限公司
		expect(isValidUscc('9144030071526726XG')).toBe(true) // 华为技术有限公司
	})
	it('rejects a wrong check character, bad characters and wrong lengths', () => {
		expect(isValidUscc('91110000100006485J')).toBe(false)
		expect(isValidUscc('91110000100006485')).toBe(false)
		expect(isValidUscc('9111000010000648IK')).toBe(false)
		expect(isValidUscc('')).toBe(false)
		expect(usccCheckChar('9111000010000648')).toBeUndefined()
	})
})
