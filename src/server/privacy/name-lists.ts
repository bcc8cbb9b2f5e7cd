import "server-only";
/**
 * Family names written in Han characters and in Hangul. A run of Han or Hangul characters in
 * otherwise Latin text is a name when it starts with one of these; other runs are flagged for
 * the participant. Typed here because no maintained package lists them; the most common
 * surnames of mainland China, Taiwan and Korea (simplified and traditional forms).
 */
export const CJK_SURNAMES: readonly string[] = [
  ..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由",
  ..."張劉陳楊黃趙吳孫馬鄭謝許韓馮鄧蕭葉蘇呂盧鍾譚陸範賈鄒龍賀顧龔萬錢嚴湯溫莊聶魯關蘭寧紀畢單駱藍鮑饒車項連蘆婁竇費衛欒鄺",
  "欧阳",
  "司马",
  "上官",
  "诸葛",
  "东方",
  "皇甫",
  "尉迟",
  "公孙",
  "慕容",
  "长孙",
  "宇文",
  "司徒",
  "歐陽",
  "司馬",
  "諸葛",
  "東方",
  "長孫",
];

export const KOREAN_SURNAMES: readonly string[] = [
  ..."김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온호범좌팽승간상시갈",
  "서문",
  "남궁",
  "제갈",
  "황보",
  "선우",
  "독고",
];

export const HAN_SURNAME_SET: ReadonlySet<string> = new Set(CJK_SURNAMES);
export const HANGUL_SURNAME_SET: ReadonlySet<string> = new Set(KOREAN_SURNAMES);
