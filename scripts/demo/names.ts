/**
 * Word lists for the demo data. Places carry real administrative division codes
 * (GB/T 2260), so the 3rd to 8th characters of a generated USCC match the holder's city.
 */

export interface District {
  name: string;
  code: string;
}

export interface City {
  province: string;
  /** The province without 省, 市 or 自治区, as it opens group names ("浙江华信商贸集团有限公司"). */
  provinceShort: string;
  city: string;
  /** The city-level division code (municipalities: the municipal code). */
  code: string;
  districts: readonly District[];
  /** Relative share of the demo organisations. */
  weight: number;
}

const municipality = (name: string, short: string, code: string, weight: number, districts: [string, string][]): City => ({
  province: name,
  provinceShort: short,
  city: name,
  code,
  districts: districts.map(([district, districtCode]) => ({ name: district, code: districtCode })),
  weight,
});

const city = (province: string, provinceShort: string, name: string, code: string, weight: number, districts: [string, string][]): City => ({
  province,
  provinceShort,
  city: name,
  code,
  districts: districts.map(([district, districtCode]) => ({ name: district, code: districtCode })),
  weight,
});

export const CITIES: readonly City[] = [
  municipality('北京市', '北京', '110000', 9, [
    ['东城区', '110101'],
    ['西城区', '110102'],
    ['朝阳区', '110105'],
    ['丰台区', '110106'],
    ['海淀区', '110108'],
    ['通州区', '110112'],
  ]),
  municipality('天津市', '天津', '120000', 4, [
    ['和平区', '120101'],
    ['河西区', '120103'],
    ['南开区', '120104'],
    ['滨海新区', '120116'],
  ]),
  municipality('上海市', '上海', '310000', 9, [
    ['黄浦区', '310101'],
    ['徐汇区', '310104'],
    ['长宁区', '310105'],
    ['静安区', '310106'],
    ['闵行区', '310112'],
    ['浦东新区', '310115'],
  ]),
  municipality('重庆市', '重庆', '500000', 5, [
    ['渝中区', '500103'],
    ['江北区', '500105'],
    ['沙坪坝区', '500106'],
    ['九龙坡区', '500107'],
    ['渝北区', '500112'],
  ]),
  city('河北省', '河北', '石家庄市', '130100', 3, [
    ['长安区', '130102'],
    ['桥西区', '130104'],
    ['裕华区', '130108'],
  ]),
  city('河北省', '河北', '保定市', '130600', 1, [['竞秀区', '130602']]),
  city('山西省', '山西', '太原市', '140100', 2, [
    ['小店区', '140105'],
    ['迎泽区', '140106'],
  ]),
  city('内蒙古自治区', '内蒙古', '呼和浩特市', '150100', 1, [
    ['新城区', '150102'],
    ['赛罕区', '150105'],
  ]),
  city('辽宁省', '辽宁', '沈阳市', '210100', 3, [
    ['和平区', '210102'],
    ['沈河区', '210103'],
    ['浑南区', '210112'],
  ]),
  city('辽宁省', '辽宁', '大连市', '210200', 2, [
    ['中山区', '210202'],
    ['沙河口区', '210204'],
    ['甘井子区', '210211'],
  ]),
  city('吉林省', '吉林', '长春市', '220100', 2, [
    ['南关区', '220102'],
    ['朝阳区', '220104'],
  ]),
  city('黑龙江省', '黑龙江', '哈尔滨市', '230100', 2, [
    ['道里区', '230102'],
    ['南岗区', '230103'],
    ['香坊区', '230110'],
  ]),
  city('江苏省', '江苏', '南京市', '320100', 5, [
    ['玄武区', '320102'],
    ['秦淮区', '320104'],
    ['建邺区', '320105'],
    ['鼓楼区', '320106'],
  ]),
  city('江苏省', '江苏', '苏州市', '320500', 5, [
    ['吴中区', '320506'],
    ['相城区', '320507'],
    ['姑苏区', '320508'],
  ]),
  city('江苏省', '江苏', '无锡市', '320200', 3, [
    ['滨湖区', '320211'],
    ['梁溪区', '320213'],
  ]),
  city('浙江省', '浙江', '杭州市', '330100', 7, [
    ['上城区', '330102'],
    ['拱墅区', '330105'],
    ['西湖区', '330106'],
    ['滨江区', '330108'],
    ['余杭区', '330110'],
  ]),
  city('浙江省', '浙江', '宁波市', '330200', 4, [
    ['海曙区', '330203'],
    ['鄞州区', '330212'],
  ]),
  city('浙江省', '浙江', '温州市', '330300', 2, [['鹿城区', '330302']]),
  city('浙江省', '浙江', '金华市', '330700', 2, [
    ['婺城区', '330702'],
    ['义乌市', '330782'],
  ]),
  city('安徽省', '安徽', '合肥市', '340100', 3, [
    ['瑶海区', '340102'],
    ['庐阳区', '340103'],
    ['蜀山区', '340104'],
    ['包河区', '340111'],
  ]),
  city('福建省', '福建', '福州市', '350100', 3, [
    ['鼓楼区', '350102'],
    ['台江区', '350103'],
    ['仓山区', '350104'],
  ]),
  city('福建省', '福建', '厦门市', '350200', 3, [
    ['思明区', '350203'],
    ['湖里区', '350206'],
  ]),
  city('江西省', '江西', '南昌市', '360100', 2, [
    ['东湖区', '360102'],
    ['西湖区', '360103'],
    ['青山湖区', '360111'],
  ]),
  city('山东省', '山东', '济南市', '370100', 4, [
    ['历下区', '370102'],
    ['市中区', '370103'],
    ['槐荫区', '370104'],
    ['历城区', '370112'],
  ]),
  city('山东省', '山东', '青岛市', '370200', 4, [
    ['市南区', '370202'],
    ['市北区', '370203'],
    ['崂山区', '370212'],
  ]),
  city('山东省', '山东', '烟台市', '370600', 2, [['芝罘区', '370602']]),
  city('河南省', '河南', '郑州市', '410100', 4, [
    ['中原区', '410102'],
    ['二七区', '410103'],
    ['金水区', '410105'],
  ]),
  city('河南省', '河南', '洛阳市', '410300', 1, [['涧西区', '410305']]),
  city('湖北省', '湖北', '武汉市', '420100', 5, [
    ['江岸区', '420102'],
    ['江汉区', '420103'],
    ['武昌区', '420106'],
    ['洪山区', '420111'],
  ]),
  city('湖北省', '湖北', '宜昌市', '420500', 1, [['西陵区', '420502']]),
  city('湖南省', '湖南', '长沙市', '430100', 4, [
    ['芙蓉区', '430102'],
    ['天心区', '430103'],
    ['岳麓区', '430104'],
    ['开福区', '430105'],
    ['雨花区', '430111'],
  ]),
  city('广东省', '广东', '广州市', '440100', 8, [
    ['荔湾区', '440103'],
    ['越秀区', '440104'],
    ['海珠区', '440105'],
    ['天河区', '440106'],
    ['白云区', '440111'],
    ['番禺区', '440113'],
  ]),
  city('广东省', '广东', '深圳市', '440300', 8, [
    ['罗湖区', '440303'],
    ['福田区', '440304'],
    ['南山区', '440305'],
    ['宝安区', '440306'],
    ['龙岗区', '440307'],
  ]),
  city('广东省', '广东', '佛山市', '440600', 3, [
    ['禅城区', '440604'],
    ['南海区', '440605'],
    ['顺德区', '440606'],
  ]),
  city('广东省', '广东', '东莞市', '441900', 3, []),
  city('广西壮族自治区', '广西', '南宁市', '450100', 2, [
    ['兴宁区', '450102'],
    ['青秀区', '450103'],
  ]),
  city('海南省', '海南', '海口市', '460100', 1, [
    ['秀英区', '460105'],
    ['龙华区', '460106'],
    ['美兰区', '460108'],
  ]),
  city('海南省', '海南', '三亚市', '460200', 1, [['吉阳区', '460203']]),
  city('四川省', '四川', '成都市', '510100', 6, [
    ['锦江区', '510104'],
    ['青羊区', '510105'],
    ['金牛区', '510106'],
    ['武侯区', '510107'],
    ['成华区', '510108'],
  ]),
  city('贵州省', '贵州', '贵阳市', '520100', 2, [
    ['南明区', '520102'],
    ['云岩区', '520103'],
    ['观山湖区', '520115'],
  ]),
  city('云南省', '云南', '昆明市', '530100', 2, [
    ['五华区', '530102'],
    ['盘龙区', '530103'],
    ['官渡区', '530111'],
  ]),
  city('西藏自治区', '西藏', '拉萨市', '540100', 1, [['城关区', '540102']]),
  city('陕西省', '陕西', '西安市', '610100', 4, [
    ['新城区', '610102'],
    ['碑林区', '610103'],
    ['莲湖区', '610104'],
    ['未央区', '610112'],
    ['雁塔区', '610113'],
  ]),
  city('甘肃省', '甘肃', '兰州市', '620100', 1, [
    ['城关区', '620102'],
    ['七里河区', '620103'],
  ]),
  city('青海省', '青海', '西宁市', '630100', 1, [
    ['城东区', '630102'],
    ['城中区', '630103'],
  ]),
  city('宁夏回族自治区', '宁夏', '银川市', '640100', 1, [
    ['兴庆区', '640104'],
    ['金凤区', '640106'],
  ]),
  city('新疆维吾尔自治区', '新疆', '乌鲁木齐市', '650100', 1, [
    ['天山区', '650102'],
    ['沙依巴克区', '650103'],
    ['新市区', '650104'],
  ]),
];

export const STREETS: readonly string[] = [
  '人民路',
  '解放路',
  '中山路',
  '建设路',
  '和平路',
  '文化路',
  '长江路',
  '黄河路',
  '新华路',
  '胜利路',
  '友谊路',
  '东风路',
  '光明路',
  '滨江大道',
  '科技路',
  '学府路',
  '工业园路',
  '迎宾大道',
  '世纪大道',
  '青年路',
  '振兴路',
  '花园路',
  '复兴路',
  '朝阳路',
  '北京路',
  '南京路',
  '延安路',
  '环城东路',
  '环城西路',
  '金桥路',
  '创业大道',
  '高新大道',
  '湖滨路',
  '滨河路',
  '建国路',
  '长安街',
  '府前街',
  '商业街',
  '民生路',
  '幸福路',
  '汇通路',
  '天府大道',
  '珠江路',
  '钱江路',
  '东湖路',
  '锦绣路',
  '景华路',
  '望江路',
  '春晖路',
  '丰收路',
];

export const BUILDING_NAMES: readonly string[] = [
  '国际商务中心',
  '金融大厦',
  '科技园',
  '创业大厦',
  '时代广场',
  '财富中心',
  '中环广场',
  '商贸城',
  '国贸大厦',
  '汇金中心',
  '智谷',
  '双创园',
  '开元大厦',
  '城市广场',
  '天地中心',
  '置地广场',
];

export const ESTATE_NAMES: readonly string[] = [
  '锦绣',
  '翠湖',
  '御景',
  '阳光',
  '碧水',
  '金沙',
  '紫荆',
  '香樟',
  '滨江',
  '书香',
  '长岛',
  '枫林',
  '银杏',
  '春江',
  '绿苑',
  '东湖',
  '云栖',
  '月桂',
  '华府',
  '雅居',
  '君悦',
  '观澜',
  '海棠',
  '玉兰',
];

export const ESTATE_SUFFIXES: readonly string[] = [
  '花园',
  '家园',
  '小区',
  '公寓',
  '雅苑',
  '名邸',
  '府',
  '苑',
  '新村',
  '城',
  '广场',
  '大厦',
  '产业园',
  '商务中心',
];

/** Characters trade names are drawn from; a name takes two to four of them, or a word. */
export const TRADE_CHARACTERS: readonly string[] = Array.from(
  '华鑫瑞恒盛达源泰嘉和宏宇信诚德金福康安佳永丰邦锦顺祥海天中新明博润凯聚兴万星汇晨悦蓝森禾朗致远卓睿智创优乐美益友正通畅捷辰航峰川云雅尚品臻沃璟骏铭宸昊煜弘启立欣翔鸿浩昌隆泽维亿荣茂盈益众合道乾坤元亨裕昇旭鼎彩莱',
);

/** Combinations of the characters above that are famous brands: a demo must not seem to rate a real company. */
export const FAMOUS_TRADE_NAMES: readonly string[] = [
  '海信',
  '美的',
  '格力',
  '万科',
  '华润',
  '恒大',
  '万达',
  '永辉',
  '苏宁',
  '国美',
  '华为',
  '海尔',
  '中兴',
  '康佳',
  '创维',
  '长虹',
  '方太',
  '九阳',
  '顺丰',
  '德邦',
  '龙湖',
  '保利',
  '绿城',
  '金地',
  '华联',
  '联华',
  '天虹',
  '银泰',
  '信达',
  '中信',
  '泰康',
  '安邦',
  '恒瑞',
  '海天',
  '新希望',
  '鸿星',
  '蓝月',
  '金龙',
  '福临',
  '佳美',
  '中海',
  '金茂',
  '恒安',
  '达利',
];

export const TRADE_WORDS: readonly string[] = [
  '阳光',
  '东方',
  '华夏',
  '九州',
  '金桥',
  '银河',
  '长风',
  '蓝天',
  '海洋',
  '百川',
  '新世纪',
  '大地',
  '春晖',
  '惠民',
  '千禧',
  '同心',
  '四季',
  '如意',
  '吉祥',
  '荣耀',
  '恒通',
  '万邦',
  '永安',
  '金穗',
  '翠竹',
  '松鹤',
  '凤凰',
  '麒麟',
  '白鹭',
  '青禾',
  '一品',
  '老字号',
  '百味',
  '知味',
  '食为天',
  '满庭芳',
  '好时光',
  '安居',
  '宜居',
  '绿洲',
  '星河',
  '海岸',
  '山水',
  '锦程',
];

export const RESTAURANT_TRADE_WORDS: readonly string[] = [
  '临江阁',
  '味之源',
  '聚福楼',
  '满堂香',
  '福满堂',
  '大碗',
  '味香居',
  '悦宴',
  '江南韵',
  '湘味轩',
  '蜀香园',
  '海上鲜',
  '粤海湾',
  '百味轩',
  '鼎香',
  '食尚',
  '聚贤庄',
  '老灶',
  '一品居',
  '宴遇',
  '禾田',
];

export const CUISINES: readonly string[] = [
  '中式',
  '粤菜',
  '川菜',
  '湘菜',
  '浙菜',
  '淮扬菜',
  '鲁菜',
  '闽菜',
  '徽菜',
  '东北菜',
  '本帮菜',
  '西式',
  '日式料理',
  '火锅',
];

export const FINDINGS = {
  'after-sales': ['投诉处理记录不完整', '服务人员培训记录缺失', '顾客回访记录未按规定保存', '服务承诺未在营业场所公示', '备件库存台账更新不及时'],
  restaurant: ['后厨个别区域清洁记录不完整', '菜单未标注过敏原信息', '服务人员着装不统一', '顾客意见簿未及时回复', '餐具消毒记录不完整'],
  property: ['设施设备巡检记录不完整', '个别消防通道堆放杂物', '业主投诉回访不及时', '绿化养护计划未按期执行', '二次供水水箱清洗记录缺失'],
  wholesale: ['部分批次追溯记录不完整', '仓库温湿度记录缺失', '退货处理时限超出承诺', '供应商评价记录未及时更新', '配送签收单据归档不全'],
} as const;

export const SUSPENSION_REASONS: readonly string[] = [
  '未按期接受年度监督审核，暂停认证证书。',
  '监督审核发现服务能力不再满足认证要求，暂停认证证书，限期整改。',
  '发生重大顾客投诉且未按规定向认证机构报告，暂停认证证书。',
  '获证组织申请暂停认证证书（经营场所装修改造）。',
  '市场监管部门抽查发现问题，暂停认证证书，待整改验证。',
];

export const WITHDRAWAL_REASONS: readonly string[] = [
  '暂停期满未能完成整改，撤销认证证书。',
  '监督审核发现严重不符合，撤销认证证书。',
  '发现获证组织在认证申请中提供虚假材料，撤销认证证书。',
  '获证组织拒绝接受监督审核，撤销认证证书。',
];

export const CANCELLATION_REASONS: readonly string[] = [
  '获证组织申请注销认证证书（企业已注销）。',
  '获证组织停止相关服务业务，申请注销认证证书。',
  '获证组织不再需要该认证，申请注销认证证书。',
  '证书持有人营业执照已注销，认证证书予以注销。',
];

export const HOLDER_CHANGES: readonly string[] = [
  '获证组织法定代表人变更，证书持有人信息已更新。',
  '获证组织注册地址变更，经核实后更新证书信息。',
  '获证组织名称变更，已换发证书。',
  '获证组织股权结构变更，经评估不影响认证有效性。',
];

export type SchemeCode = 'after-sales' | 'restaurant' | 'property' | 'wholesale';

/** A line of business: it decides the name's industry word and which schemes the holder can hold. */
export interface Industry {
  word: string;
  /** The first is the scheme the holder is best known for. */
  schemes: readonly SchemeCode[];
  weight: number;
  /** What its after-sales service covers. */
  products?: readonly string[];
  /** What after-sales service means for those products, when not the household-goods default. */
  afterSales?: readonly string[];
  /** What it sells wholesale. */
  goods?: readonly string[];
  /** What kind of premises it manages. */
  premises?: readonly string[];
  restaurantTrade?: boolean;
}

const HOUSEHOLD_GOODS = ['日用百货', '家用电器', '预包装食品', '个人护理用品', '办公用品'];
const PREMISES = ['住宅小区', '商业写字楼', '产业园区', '医院', '学校', '政府办公楼', '商业综合体'];

export const INDUSTRIES: readonly Industry[] = [
  {
    word: '电器',
    schemes: ['after-sales', 'wholesale'],
    weight: 6,
    products: ['空调器', '洗衣机', '电冰箱', '电视机', '热水器', '厨房电器', '小家电'],
    goods: ['家用电器', '厨房电器', '小家电'],
  },
  {
    word: '电子科技',
    schemes: ['after-sales', 'wholesale'],
    weight: 4,
    products: ['智能门锁', '安防监控设备', '智能家居产品', '净水设备', '笔记本电脑'],
    goods: ['电子产品', '安防设备', '计算机及配件'],
  },
  {
    word: '汽车销售服务',
    schemes: ['after-sales', 'wholesale'],
    weight: 5,
    products: ['乘用车', '新能源汽车', '商用车'],
    afterSales: ['维修保养', '配件供应', '道路救援', '投诉处理', '客户回访', '质量担保'],
    goods: ['汽车零配件', '汽车用品'],
  },
  {
    word: '家居',
    schemes: ['after-sales', 'wholesale'],
    weight: 4,
    products: ['定制家具', '实木家具', '橱柜', '衣柜', '床垫'],
    goods: ['家具', '家居用品', '装饰材料'],
  },
  {
    word: '电梯工程',
    schemes: ['after-sales'],
    weight: 2,
    products: ['电梯', '自动扶梯', '自动人行道'],
    afterSales: ['安装调试', '维修保养', '应急救援', '年度检验配合', '投诉处理'],
  },
  {
    word: '通信设备',
    schemes: ['after-sales', 'wholesale'],
    weight: 2,
    products: ['通信终端', '网络设备', '宽带接入设备'],
    goods: ['通信设备', '手机及配件'],
  },
  {
    word: '医疗器械',
    schemes: ['after-sales', 'wholesale'],
    weight: 2,
    products: ['医用影像设备', '体外诊断设备', '康复器械'],
    afterSales: ['安装调试', '操作培训', '维修保养', '技术支持', '投诉处理'],
    goods: ['医疗器械', '医用耗材'],
  },
  { word: '门窗', schemes: ['after-sales'], weight: 2, products: ['系统门窗', '阳光房', '防盗门'] },
  { word: '卫浴', schemes: ['after-sales'], weight: 2, products: ['卫浴洁具', '智能马桶', '淋浴房'] },
  {
    word: '机电设备',
    schemes: ['after-sales', 'wholesale'],
    weight: 3,
    products: ['中央空调', '空气压缩机', '水泵', '发电机组'],
    goods: ['机电设备', '五金工具', '电线电缆'],
  },
  { word: '餐饮管理', schemes: ['restaurant', 'wholesale'], weight: 6, restaurantTrade: true, goods: ['预包装食品', '调味品', '冷冻食品'] },
  { word: '餐饮', schemes: ['restaurant'], weight: 5, restaurantTrade: true },
  { word: '饮食', schemes: ['restaurant'], weight: 2, restaurantTrade: true },
  { word: '酒家', schemes: ['restaurant'], weight: 2, restaurantTrade: true },
  { word: '餐饮文化', schemes: ['restaurant'], weight: 2, restaurantTrade: true },
  { word: '酒店管理', schemes: ['restaurant', 'property'], weight: 3, premises: ['酒店', '商业综合体', '商业写字楼'] },
  {
    word: '物业管理',
    schemes: ['property', 'after-sales'],
    weight: 9,
    premises: PREMISES,
    products: ['物业服务', '房屋维修', '智能门禁设备'],
    afterSales: ['报修响应', '维修服务', '投诉处理', '客户回访', '服务质量承诺'],
  },
  {
    word: '物业服务',
    schemes: ['property', 'after-sales'],
    weight: 7,
    premises: PREMISES,
    products: ['物业服务', '家政维修'],
    afterSales: ['报修响应', '维修服务', '投诉处理', '客户回访', '服务质量承诺'],
  },
  { word: '城市服务', schemes: ['property'], weight: 2, premises: ['政府办公楼', '产业园区', '医院', '学校'] },
  { word: '物业发展', schemes: ['property', 'wholesale'], weight: 2, premises: PREMISES, goods: ['建筑材料', '日用百货'] },
  { word: '商贸', schemes: ['wholesale', 'after-sales'], weight: 5, products: ['家用电器', '数码产品', '日用电器'], goods: HOUSEHOLD_GOODS },
  { word: '贸易', schemes: ['wholesale'], weight: 2, goods: ['纺织品', '服装鞋帽', '日用百货', '化工原料（不含危险化学品）'] },
  {
    word: '供应链管理',
    schemes: ['wholesale', 'after-sales'],
    products: ['仓储配送服务', '电子元器件'],
    afterSales: ['送货服务', '退换货', '投诉处理', '客户回访', '咨询服务', '质量追溯'],
    weight: 2,
    goods: ['预包装食品', '日用百货', '冷冻食品', '电子元器件'],
  },
  {
    word: '医药',
    schemes: ['wholesale', 'after-sales'],
    products: ['医疗器械', '家用医疗设备'],
    afterSales: ['安装调试', '操作培训', '维修保养', '技术支持', '投诉处理'],
    weight: 3,
    goods: ['中成药', '化学药制剂', '生物制品（冷链）', '医疗器械'],
  },
  {
    word: '食品',
    schemes: ['wholesale', 'after-sales'],
    products: ['预包装食品', '冷链食品'],
    afterSales: ['送货服务', '退换货', '投诉处理', '客户回访', '咨询服务', '质量追溯'],
    weight: 2,
    goods: ['预包装食品', '粮油', '乳制品', '冷冻食品'],
  },
  { word: '农产品', schemes: ['wholesale'], weight: 2, goods: ['蔬菜水果', '禽蛋', '水产品', '粮油'] },
  {
    word: '五金机电',
    schemes: ['wholesale', 'after-sales'],
    weight: 2,
    products: ['电动工具', '水泵', '发电机组'],
    goods: ['五金工具', '机电设备', '电线电缆'],
  },
  { word: '建材', schemes: ['wholesale'], weight: 1, goods: ['建筑材料', '装饰材料', '卫浴洁具'] },
  { word: '百货', schemes: ['wholesale', 'after-sales'], weight: 2, products: ['家用电器', '钟表眼镜', '数码产品'], goods: HOUSEHOLD_GOODS },
  {
    word: '实业',
    schemes: ['wholesale', 'property', 'after-sales'],
    weight: 2,
    products: ['家用电器', '建筑装饰材料'],
    goods: ['建筑材料', '日用百货'],
    premises: ['商业综合体', '产业园区'],
  },
  { word: '商业', schemes: ['property', 'restaurant', 'wholesale'], weight: 1, premises: ['商业综合体', '商业写字楼'], goods: HOUSEHOLD_GOODS },
];

export const AFTER_SALES_SERVICES: readonly string[] = ['送货安装', '维修保养', '退换货', '投诉处理', '客户回访', '技术咨询', '配件供应', '安装调试'];
export const PROPERTY_SERVICES = '客户服务、房屋及共用设施设备维护、秩序维护、环境卫生、绿化养护';
export const WHOLESALE_SERVICES: readonly string[] = ['采购', '仓储', '配送', '订单处理', '客户服务', '质量追溯'];
