/**
 * The provincial-level divisions in the order of their administrative division codes
 * (GB/T 2260: 北京 11, 天津 12, 河北 13 … 新疆 65, then 台湾 71, 香港 81, 澳门 82), by the
 * short name a registered province starts with (浙江 for 浙江省, 内蒙古 for 内蒙古自治区).
 */
const PROVINCES_BY_CODE = [
  ['北京', 11],
  ['天津', 12],
  ['河北', 13],
  ['山西', 14],
  ['内蒙古', 15],
  ['辽宁', 21],
  ['吉林', 22],
  ['黑龙江', 23],
  ['上海', 31],
  ['江苏', 32],
  ['浙江', 33],
  ['安徽', 34],
  ['福建', 35],
  ['江西', 36],
  ['山东', 37],
  ['河南', 41],
  ['湖北', 42],
  ['湖南', 43],
  ['广东', 44],
  ['广西', 45],
  ['海南', 46],
  ['重庆', 50],
  ['四川', 51],
  ['贵州', 52],
  ['云南', 53],
  ['西藏', 54],
  ['陕西', 61],
  ['甘肃', 62],
  ['青海', 63],
  ['宁夏', 64],
  ['新疆', 65],
  ['台湾', 71],
  ['香港', 81],
  ['澳门', 82],
] as const;

/** The division code of a province as registered; names the table does not know sort after every known one. */
export function administrativeCode(province: string): number {
  return PROVINCES_BY_CODE.find(([name]) => province.startsWith(name))?.[1] ?? 100;
}

/** Provinces in administrative-code order, as people expect a list of them (names it does not know last, in code-point order). */
export function inAdministrativeOrder(provinces: readonly string[]): string[] {
  return [...provinces].sort((a, b) => administrativeCode(a) - administrativeCode(b) || (a < b ? -1 : a > b ? 1 : 0));
}
