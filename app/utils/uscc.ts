// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character set (no I, O, Z, S, V);
// the 18th is a check character computed from the first 17 with weights 3^(i) mod 31.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function usccCheckChar(first17: string): string | undefined {
	if (first17.length !== 17) return undefined
	let sum = 0
	for (let i = 0; i < 17; i++) {
		const v = CHARSET.indexOf(first17[i])
		if (v < 0) return undefined
		sum += v * WEIGHTS[i]
	}
	return CHARSET[(31 - (sum % 31)) % 31]
}

export function isValidUscc(code: string): boolean {
	if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false
	return usccCheckChar(code.slice(0, 17)) === code[17]
}
