"""Phrase lists for ``manage.py seed_demo``: boards, recurring pain points, replies.

Simplified Chinese is written by hand; Traditional Chinese is derived with OpenCC
(``s2twp``: Taiwan vocabulary, so 软件 → 軟體, 视频 → 影片) when a pain point has no
hand-written Traditional wording, which keeps the lists a third shorter.

Each pain point has several titles per language: the generator mixes them with
conditions, devices and versions so one real problem shows up as many near-duplicate
posts in different words and languages, which is what the clustering engine expects.
"""

from __future__ import annotations

import functools

BOARDS = [
    # slug, name, description, is_feedback
    (
        "camera",
        "Camera",
        "Photos, video, night mode, portrait, camera app crashes.",
        True,
    ),
    ("battery", "Battery", "Battery drain, charging, heat and power saving.", True),
    (
        "notifications",
        "Notifications",
        "Late, missing or duplicated notifications; do-not-disturb.",
        True,
    ),
    (
        "lock-screen",
        "Lock screen",
        "Fingerprint, face unlock, always-on display, lock screen widgets.",
        True,
    ),
    (
        "settings",
        "Settings",
        "The Settings app, system updates, accounts, search.",
        True,
    ),
    ("gallery", "Gallery", "Albums, editing, cloud sync, sharing photos.", True),
    (
        "keyboard",
        "Keyboard",
        "Input method, autocorrect, candidates, voice typing.",
        True,
    ),
    (
        "other",
        "Other",
        "General discussion: tips, questions, anything that fits no other board.",
        False,
    ),
]

DEVICES = [
    "Xiaomi 14",
    "Xiaomi 14 Pro",
    "Xiaomi 14 Ultra",
    "Xiaomi 13",
    "Xiaomi 13T Pro",
    "Xiaomi 15",
    "Redmi Note 13 Pro",
    "Redmi Note 13 Pro+",
    "Redmi Note 13",
    "Redmi Note 12 Turbo",
    "Redmi K70",
    "Redmi K70 Pro",
    "Redmi 13C",
    "POCO F6",
    "POCO X6 Pro",
    "Xiaomi Pad 6",
    "Xiaomi MIX Fold 3",
]
OS_VERSIONS = [
    "OS 1.0.5",
    "OS 1.0.8",
    "OS 2.0.2",
    "OS 2.0.5",
    "OS 2.0.9",
    "OS 2.0.12",
    "OS 2.1.0 beta",
]

EN_FIRST = [
    "Alex", "Sam", "Jordan", "Priya", "Lucas", "Mia", "Omar", "Sofia", "Ken", "Ana",
    "Ravi", "Elena", "Tom", "Yuki", "Diego", "Fatima", "Noah", "Chloe", "Ivan", "Lea",
    "Arjun", "Marta", "Ben", "Nina", "Hugo", "Sara", "Leo", "Aisha", "Max", "Julia",
]  # fmt: skip
EN_LAST = [
    "Smith", "Garcia", "Kumar", "Nguyen", "Rossi", "Muller", "Silva", "Khan", "Lee",
    "Novak", "Costa", "Ito", "Brown", "Haddad", "Petrov", "Lopez", "Wright", "Kim",
]  # fmt: skip
EN_HANDLES = [
    "pixelhunter", "nightowl", "techie", "shutterbug", "droidfan", "batterysaver",
    "minimalist", "gamer", "photonerd", "commuter", "traveller", "tinkerer",
]  # fmt: skip
ZH_SURNAMES = [
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"),
    ("Yang", "杨"), ("Huang", "黄"), ("Zhao", "赵"), ("Wu", "吴"), ("Zhou", "周"),
    ("Lin", "林"), ("Xu", "徐"), ("Sun", "孙"), ("Ma", "马"), ("Zhu", "朱"),
]  # fmt: skip
ZH_GIVEN = [
    ("wei", "伟"), ("fang", "芳"), ("lei", "磊"), ("jing", "静"), ("tao", "涛"),
    ("min", "敏"), ("jie", "杰"), ("yan", "艳"), ("hao", "浩"), ("xin", "欣"),
    ("yu", "宇"), ("ting", "婷"), ("chen", "晨"), ("kai", "凯"), ("lu", "璐"),
]  # fmt: skip
ZH_NICKS = [
    ("mifen", "米粉"), ("shuma", "数码控"), ("sheying", "摄影爱好者"),
    ("xiaobai", "小白"), ("laoniao", "老鸟"), ("chihuo", "吃货"), ("yeyou", "夜游侠"),
    ("paizhao", "拍照党"), ("xuhang", "续航焦虑"), ("shuaji", "刷机达人"),
]  # fmt: skip
BIOS = {
    "en": [
        "Phone photographer, weekend hiker.",
        "Beta tester since 2019.",
        "I report bugs so you don't have to.",
        "",
        "",
    ],
    "zh-hans": ["热爱拍照的米粉", "内测老用户", "发烧友，喜欢折腾系统", "", ""],
}

TAGS = [
    "crash", "battery-drain", "ui", "lag", "overheating", "notification-delay",
    "night-mode", "fingerprint", "sync", "autocorrect", "suggestion", "闪退", "耗电",
    "卡顿", "通知", "发热",
]  # fmt: skip

# One recurring problem per entry. ``weight`` says how often fans hit it, so the big
# ones recur hundreds of times at default size. ``zh-hant`` is optional (see module
# docstring). ``steps``/``expected`` are only used by bug reports.
PAIN_POINTS = [
    # ---------------------------------------------------------------- camera
    {
        "key": "camera-night-crash",
        "board": "camera",
        "kind": "bug",
        "severity": 4,
        "weight": 12,
        "tags": ["crash", "night-mode", "闪退"],
        "en": [
            "Camera app crashes when switching to night mode",
            "Night mode makes the camera crash",
            "Camera closes itself as soon as I tap Night",
            "Crash in camera night mode",
        ],
        "zh-hans": ["切换夜景模式时相机闪退", "相机夜景模式闪退", "一点夜景相机就崩溃"],
        "zh-hant": ["相機夜景模式閃退", "切換到夜景相機就閃退", "夜景模式一開就當掉"],
        "steps": {
            "en": ["Open Camera", "Swipe to Night", "Press the shutter"],
            "zh-hans": ["打开相机", "滑动到夜景模式", "按下快门"],
        },
        "expected": {
            "en": "A night photo is taken.",
            "zh-hans": "正常拍出夜景照片。",
        },
        "log": "FATAL EXCEPTION: CameraHandler\njava.lang.IllegalStateException: "
        "Session has been closed",
    },
    {
        "key": "camera-shutter-lag",
        "board": "camera",
        "kind": "complaint",
        "severity": 2,
        "weight": 6,
        "tags": ["lag"],
        "en": [
            "Shutter lag is terrible indoors",
            "Photos are taken a second after I press the button",
            "Huge delay between tapping shutter and capture",
        ],
        "zh-hans": [
            "室内拍照快门延迟很严重",
            "按下快门要等一秒才拍",
            "拍照反应慢，抓拍总是错过",
        ],
    },
    {
        "key": "camera-green-tint",
        "board": "camera",
        "kind": "bug",
        "severity": 2,
        "weight": 4,
        "tags": ["ui"],
        "en": [
            "Photos from the ultra-wide lens have a green tint",
            "Ultra wide camera colours look green",
        ],
        "zh-hans": ["超广角拍出来的照片偏绿", "超广角镜头色彩偏绿"],
        "steps": {
            "en": ["Open Camera", "Switch to 0.6x", "Take a photo of a white wall"],
            "zh-hans": ["打开相机", "切换到 0.6x 超广角", "对着白墙拍一张"],
        },
        "expected": {
            "en": "Colours match the main lens.",
            "zh-hans": "色彩和主摄一致。",
        },
    },
    {
        "key": "camera-video-overheat",
        "board": "camera",
        "kind": "bug",
        "severity": 3,
        "weight": 5,
        "tags": ["overheating", "发热"],
        "en": [
            "4K video recording stops after 5 minutes because of heat",
            "Camera says phone is too hot while recording 4K",
        ],
        "zh-hans": ["录制4K视频五分钟就因为过热停止", "录视频提示手机温度过高"],
        "steps": {
            "en": ["Set video to 4K 60fps", "Record for a few minutes"],
            "zh-hans": ["视频设置为 4K 60帧", "录制几分钟"],
        },
        "expected": {
            "en": "Recording continues for at least 15 minutes.",
            "zh-hans": "至少可以连续录制15分钟。",
        },
    },
    {
        "key": "camera-watermark-suggestion",
        "board": "camera",
        "kind": "suggestion",
        "severity": 1,
        "weight": 3,
        "tags": ["suggestion"],
        "en": [
            "Please let us customise the photo watermark",
            "Suggestion: custom text for the device watermark",
        ],
        "zh-hans": ["希望可以自定义照片水印", "建议水印支持自定义文字"],
    },
    # --------------------------------------------------------------- battery
    {
        "key": "battery-drain-update",
        "board": "battery",
        "kind": "bug",
        "severity": 3,
        "weight": 14,
        "tags": ["battery-drain", "耗电"],
        "en": [
            "Battery drains overnight after the update",
            "Huge battery drain since the latest update",
            "Lost 30% battery overnight in standby",
            "Standby battery drain is much worse after updating",
        ],
        "zh-hans": [
            "升级后待机耗电严重",
            "更新系统后一晚上掉电30%",
            "新版本待机掉电太快了",
        ],
        "zh-hant": ["更新後待機耗電嚴重", "升級系統後一晚掉電30%"],
        "steps": {
            "en": [
                "Charge to 100% at night",
                "Leave the phone idle with Wi-Fi on",
                "Check battery in the morning",
            ],
            "zh-hans": ["晚上充满电", "开着 Wi-Fi 放置一晚", "早上查看电量"],
        },
        "expected": {
            "en": "Less than 5% lost overnight.",
            "zh-hans": "一晚上掉电不超过5%。",
        },
    },
    {
        "key": "battery-hot-charging",
        "board": "battery",
        "kind": "complaint",
        "severity": 3,
        "weight": 6,
        "tags": ["overheating", "发热"],
        "en": [
            "Phone gets very hot while fast charging",
            "Overheating during charging",
        ],
        "zh-hans": ["快充的时候手机特别烫", "充电发热严重"],
    },
    {
        "key": "battery-percentage-jump",
        "board": "battery",
        "kind": "bug",
        "severity": 2,
        "weight": 4,
        "tags": ["battery-drain"],
        "en": [
            "Battery percentage jumps from 20% to 5%",
            "Battery level is inaccurate and drops suddenly",
        ],
        "zh-hans": ["电量从20%突然跳到5%", "电量显示不准，突然掉电"],
        "steps": {
            "en": ["Use the phone normally until about 20%", "Watch the percentage"],
            "zh-hans": ["正常使用到电量20%左右", "观察电量变化"],
        },
        "expected": {
            "en": "The percentage goes down smoothly.",
            "zh-hans": "电量平稳下降。",
        },
    },
    {
        "key": "battery-charge-limit",
        "board": "battery",
        "kind": "suggestion",
        "severity": 1,
        "weight": 4,
        "tags": ["suggestion"],
        "en": [
            "Add an option to stop charging at 80%",
            "Suggestion: charge limit to protect the battery",
        ],
        "zh-hans": ["建议增加充电到80%停止的选项", "希望加入充电上限保护电池"],
    },
    # --------------------------------------------------------- notifications
    {
        "key": "notif-delay-locked",
        "board": "notifications",
        "kind": "bug",
        "severity": 3,
        "weight": 13,
        "tags": ["notification-delay", "通知"],
        "en": [
            "Notifications arrive 10 minutes late when the screen is locked",
            "Delayed notifications after locking the phone",
            "WhatsApp messages only show up when I unlock the phone",
            "Push notifications are late in standby",
        ],
        "zh-hans": [
            "锁屏后通知延迟十分钟才到",
            "锁屏以后微信消息收不到",
            "熄屏后推送严重延迟",
        ],
        "zh-hant": ["鎖屏後通知延遲十分鐘才到", "螢幕關閉後訊息通知很慢才來"],
        "steps": {
            "en": ["Lock the phone", "Send a message to it from another phone"],
            "zh-hans": ["锁屏", "用另一台手机发消息过来"],
        },
        "expected": {
            "en": "The notification appears within seconds.",
            "zh-hans": "几秒内收到通知。",
        },
    },
    {
        "key": "notif-duplicate",
        "board": "notifications",
        "kind": "bug",
        "severity": 2,
        "weight": 4,
        "tags": ["通知"],
        "en": ["Every notification shows up twice", "Duplicate notifications"],
        "zh-hans": ["每条通知都重复出现两次", "通知重复弹出"],
        "steps": {
            "en": ["Receive any notification", "Open the notification shade"],
            "zh-hans": ["收到任意通知", "下拉通知栏"],
        },
        "expected": {
            "en": "One entry per notification.",
            "zh-hans": "每条通知只显示一次。",
        },
    },
    {
        "key": "notif-dnd-schedule",
        "board": "notifications",
        "kind": "suggestion",
        "severity": 1,
        "weight": 3,
        "tags": ["suggestion"],
        "en": [
            "Let do-not-disturb have different schedules on weekends",
            "Suggestion: weekend schedule for DND",
        ],
        "zh-hans": ["勿扰模式希望支持周末单独设置时间", "建议勿扰模式区分工作日和周末"],
    },
    # ----------------------------------------------------------- lock screen
    {
        "key": "lock-fingerprint-slow",
        "board": "lock-screen",
        "kind": "bug",
        "severity": 3,
        "weight": 9,
        "tags": ["fingerprint", "lag"],
        "en": [
            "Fingerprint unlock is slow and often fails",
            "In-display fingerprint stopped recognising me",
            "Fingerprint takes three tries to unlock",
        ],
        "zh-hans": [
            "指纹解锁变慢，经常识别失败",
            "屏下指纹识别率下降",
            "指纹要按三次才能解锁",
        ],
        "zh-hant": ["指紋解鎖變慢，常常辨識失敗"],
        "steps": {
            "en": ["Lock the phone", "Put an enrolled finger on the sensor"],
            "zh-hans": ["锁屏", "把录入过的手指放在传感器上"],
        },
        "expected": {
            "en": "Unlocks on the first try.",
            "zh-hans": "一次就能解锁。",
        },
    },
    {
        "key": "lock-aod-flicker",
        "board": "lock-screen",
        "kind": "bug",
        "severity": 2,
        "weight": 5,
        "tags": ["ui"],
        "en": [
            "Always-on display flickers at low brightness",
            "AOD clock flickering",
        ],
        "zh-hans": ["息屏显示在低亮度下闪烁", "息屏时钟一直闪"],
        "steps": {
            "en": ["Enable always-on display", "Lock the phone in a dark room"],
            "zh-hans": ["开启息屏显示", "在暗处锁屏"],
        },
        "expected": {
            "en": "The clock is steady.",
            "zh-hans": "时钟显示稳定。",
        },
    },
    {
        "key": "lock-widgets",
        "board": "lock-screen",
        "kind": "suggestion",
        "severity": 1,
        "weight": 4,
        "tags": ["suggestion", "ui"],
        "en": [
            "Please allow more widgets on the lock screen",
            "Lock screen should support a calendar widget",
        ],
        "zh-hans": ["希望锁屏可以放更多小部件", "建议锁屏支持日历小组件"],
    },
    # -------------------------------------------------------------- settings
    {
        "key": "settings-search-crash",
        "board": "settings",
        "kind": "bug",
        "severity": 3,
        "weight": 6,
        "tags": ["crash", "闪退"],
        "en": [
            "Settings crashes when I search for Wi-Fi",
            "Search in Settings force closes the app",
        ],
        "zh-hans": ["设置里搜索 Wi-Fi 直接闪退", "在设置中搜索就崩溃"],
        "zh-hant": ["設定裡搜尋 Wi-Fi 直接閃退", "在設定中搜尋就閃退"],
        "steps": {
            "en": ["Open Settings", "Tap the search bar", "Type Wi-Fi"],
            "zh-hans": ["打开设置", "点击搜索栏", "输入 Wi-Fi"],
        },
        "expected": {
            "en": "Search results appear.",
            "zh-hans": "显示搜索结果。",
        },
        "log": "FATAL EXCEPTION: main\njava.lang.NullPointerException at "
        "com.android.settings.search.SearchFragment.onQueryTextChange",
    },
    {
        "key": "settings-ads",
        "board": "settings",
        "kind": "complaint",
        "severity": 2,
        "weight": 7,
        "tags": ["ui"],
        "en": [
            "Too many ads and recommendations in system apps",
            "Please remove the ads from Settings and system apps",
        ],
        "zh-hans": ["系统应用里广告太多了", "设置和系统应用里的推荐广告能不能去掉"],
    },
    {
        "key": "settings-dark-mode",
        "board": "settings",
        "kind": "bug",
        "severity": 1,
        "weight": 3,
        "tags": ["ui"],
        "en": [
            "Dark mode schedule turns itself off",
            "Scheduled dark mode does not switch on at sunset",
        ],
        "zh-hans": ["定时深色模式自己关闭", "深色模式定时不生效"],
        "steps": {
            "en": ["Settings → Display", "Schedule dark mode from sunset"],
            "zh-hans": ["设置 → 显示", "设置日落后开启深色模式"],
        },
        "expected": {
            "en": "Dark mode turns on at sunset.",
            "zh-hans": "日落后自动开启深色模式。",
        },
    },
    # --------------------------------------------------------------- gallery
    {
        "key": "gallery-sync-stuck",
        "board": "gallery",
        "kind": "bug",
        "severity": 3,
        "weight": 7,
        "tags": ["sync"],
        "en": [
            "Gallery cloud sync stuck at 99%",
            "Photos never finish backing up to the cloud",
        ],
        "zh-hans": ["相册云同步一直卡在99%", "照片云备份一直不完成"],
        "zh-hant": ["相簿雲端同步一直卡在99%"],
        "steps": {
            "en": ["Enable cloud backup in Gallery", "Take a few photos", "Wait"],
            "zh-hans": ["在相册开启云备份", "拍几张照片", "等待同步"],
        },
        "expected": {
            "en": "All photos are backed up.",
            "zh-hans": "所有照片都完成备份。",
        },
    },
    {
        "key": "gallery-lag",
        "board": "gallery",
        "kind": "complaint",
        "severity": 2,
        "weight": 5,
        "tags": ["lag", "卡顿"],
        "en": [
            "Gallery is laggy when scrolling through thousands of photos",
            "Scrolling in Gallery stutters",
        ],
        "zh-hans": ["相册照片多了滑动很卡", "相册滚动卡顿掉帧"],
    },
    {
        "key": "gallery-edit-lost",
        "board": "gallery",
        "kind": "bug",
        "severity": 4,
        "weight": 3,
        "tags": ["crash"],
        "en": [
            "Edited photo is lost when the editor crashes",
            "Gallery editor crashed and deleted my edit",
        ],
        "zh-hans": ["相册编辑器闪退后修改全没了", "编辑照片时崩溃，原图也打不开了"],
        "steps": {
            "en": ["Open a photo", "Tap Edit and apply a filter", "Tap Save"],
            "zh-hans": ["打开一张照片", "点编辑并加滤镜", "点保存"],
        },
        "expected": {
            "en": "The edited copy is saved.",
            "zh-hans": "保存编辑后的副本。",
        },
    },
    # -------------------------------------------------------------- keyboard
    {
        "key": "keyboard-candidates-lag",
        "board": "keyboard",
        "kind": "bug",
        "severity": 2,
        "weight": 7,
        "tags": ["lag", "卡顿"],
        "en": [
            "Keyboard lags when typing fast",
            "Input method freezes for a second while typing",
        ],
        "zh-hans": ["输入法候选词卡顿", "打字快的时候输入法卡住"],
        "zh-hant": ["輸入法候選字卡頓"],
        "steps": {
            "en": ["Open any chat app", "Type quickly for a few seconds"],
            "zh-hans": ["打开任意聊天软件", "快速打字几秒"],
        },
        "expected": {
            "en": "Letters appear immediately.",
            "zh-hans": "文字立即出现。",
        },
    },
    {
        "key": "keyboard-autocorrect",
        "board": "keyboard",
        "kind": "complaint",
        "severity": 1,
        "weight": 4,
        "tags": ["autocorrect"],
        "en": [
            "Autocorrect keeps changing words I typed correctly",
            "Autocorrect is too aggressive",
        ],
        "zh-hans": ["自动纠错总是把我打对的词改掉", "自动更正太激进了"],
    },
    {
        "key": "keyboard-clipboard",
        "board": "keyboard",
        "kind": "suggestion",
        "severity": 1,
        "weight": 3,
        "tags": ["suggestion"],
        "en": [
            "Add clipboard history to the keyboard",
            "Suggestion: pin items in the clipboard",
        ],
        "zh-hans": ["输入法希望加入剪贴板历史", "建议剪贴板支持置顶"],
    },
]

# General discussion in the "Other" board: no pain-point structure.
DISCUSSIONS = {
    "en": [
        "Which phone should I buy: Xiaomi 14 or Redmi K70?",
        "Show us your best night shots",
        "What is your favourite hidden feature?",
        "How long does your battery last on a normal day?",
        "Tips for new users",
        "Anyone else going to the fan meetup?",
    ],
    "zh-hans": [
        "小米14和红米K70怎么选？",
        "晒晒你们拍的夜景",
        "大家最喜欢哪个隐藏功能？",
        "日常使用续航能坚持多久？",
        "新手必看的使用技巧",
        "有人去这周末的米粉见面会吗？",
    ],
}

# Title conditions appended to the pain point: {device}, {os}.
CONDITIONS = {
    "en": [
        "",
        "",
        " on {device}",
        " after updating to {os}",
        " ({device}, {os})",
        " since {os}",
        " – {device}",
    ],
    "zh-hans": [
        "",
        "",
        "（{device}）",
        "，升级 {os} 后出现",
        " {device} {os}",
        "【{device}】",
    ],
}

OPENERS = {
    "en": [
        "",
        "Hi all,",
        "Hello team,",
        "Not sure if this is known already.",
        "This has been driving me crazy for a week.",
    ],
    "zh-hans": [
        "",
        "大家好，",
        "各位好，",
        "不知道是不是只有我这样。",
        "这个问题困扰我一周了。",
    ],
}
CLOSERS = {
    "en": [
        "",
        "Anyone else?",
        "Please fix this in the next update.",
        "Thanks!",
        "Happy to send logs if needed.",
    ],
    "zh-hans": [
        "",
        "有人遇到同样的问题吗？",
        "希望下个版本修复。",
        "谢谢！",
        "需要日志的话可以提供。",
    ],
}
FREQUENCY = {
    "always": {"en": "every time", "zh-hans": "每次都会"},
    "sometimes": {"en": "about half the time", "zh-hans": "偶尔出现"},
    "once": {"en": "once so far", "zh-hans": "目前只出现过一次"},
}
TRIED = {
    "en": [
        "Restarted the phone",
        "Cleared the app cache",
        "Turned battery saver off",
        "Reset app preferences",
    ],
    "zh-hans": ["重启手机", "清除应用缓存", "关闭省电模式", "重置应用偏好设置"],
}

REPLIES = {
    "en": [
        "Same here on {device}.",
        "Same here on {device}, {os}.",
        "+1, happens {freq} for me.",
        "Can confirm on {device}.",
        "Started for me after updating to {os}.",
        "Not happening on my {device}, maybe it's a setting?",
        "Workaround: clearing the app cache in **Settings → Apps** fixed it for me.",
        "Workaround that helped me:\n\n1. Turn off battery optimisation for the app\n"
        "2. Restart the phone",
        "Rolling back to {os} is the only thing that worked for me.",
        "Any update on this? Still broken on {os}.",
        "Upvoting, this is really annoying.",
        "Did you try safe mode? Might be a third-party app.",
    ],
    "zh-hans": [
        "同样的问题，升级到 {os} 后出现",
        "我的{device}也是这样",
        "+1，{device} 也有这个问题",
        "一样，{freq}",
        "我这边 {device} 没有出现，可能和设置有关？",
        "临时解决办法：在**设置 → 应用管理**里清除缓存，重启后好了",
        "重启手机后暂时恢复了，过两天又出现",
        "关闭电池优化后好了一些",
        "回退到 {os} 就正常了",
        "蹲一个官方回复",
        "顶一下，希望尽快修复",
        "进安全模式试试，可能是第三方应用导致的",
    ],
}
STAFF_REPLIES = {
    "en": [
        "Thanks for the report. We've passed it to the team; a log from "
        "**Settings → Feedback** would help.",
        "We can reproduce this on {device}; a fix is planned for the next update.",
    ],
    "zh-hans": [
        "感谢反馈，已经转给相关团队，麻烦在**设置 → 反馈**中上传日志。",
        "已在 {device} 上复现，预计下个版本修复。",
    ],
}
DISCUSSION_REPLIES = {
    "en": [
        "I'd go with the {device}, the camera is great.",
        "Mine lasts a full day with about 30% left.",
        "Great tip, thanks for sharing!",
        "Nice shot! Which mode did you use?",
    ],
    "zh-hans": [
        "推荐{device}，拍照很强",
        "我一天下来还剩30%左右",
        "学到了，感谢分享！",
        "拍得真好，用的什么模式？",
    ],
}

PINNED = {
    "en": (
        "Read before posting: how to write a useful report",
        "Please include your **device**, **OS version** and the steps to reproduce.\n\n"
        "- Search first: someone may have reported it already\n"
        "- One problem per thread\n"
        "- Attach logs from *Settings → Feedback* when you can\n",
    ),
}


def _s2t():
    from opencc import OpenCC

    return OpenCC("s2twp")


@functools.cache
def traditional(text: str) -> str:
    """Simplified → Traditional (Taiwan phrasing) for phrase lists."""
    return _converter().convert(text)


@functools.cache
def _converter():
    return _s2t()


def phrases(table: dict, lang: str):
    """The ``lang`` entry of a phrase table, deriving Traditional when missing."""
    if lang in table:
        return table[lang]
    simplified = table["zh-hans"]
    if isinstance(simplified, str):
        return traditional(simplified)
    return [traditional(s) for s in simplified]
