"""The controlled vocabulary of cooperation fields (連携分野), loaded by a data migration."""

COOPERATION_FIELDS = [
    ("childcare", "子育て", "Childcare"),
    ("education", "教育", "Education"),
    ("disaster_prevention", "防災", "Disaster prevention"),
    ("health_welfare", "健康・福祉", "Health and welfare"),
    ("elderly", "高齢者", "Older people"),
    ("regional_revitalization", "地域活性化", "Regional revitalization"),
    ("tourism", "観光", "Tourism"),
    ("environment", "環境", "Environment"),
    ("dx_public_services", "DX・行政サービス", "Digital transformation and public services"),
    ("industry", "産業振興", "Industry promotion"),
    ("agriculture", "農林水産", "Agriculture, forestry and fisheries"),
    ("culture_sports", "文化・スポーツ", "Culture and sports"),
    ("transport", "交通", "Transport"),
    ("safety", "防犯・安全", "Crime prevention and safety"),
    ("employment", "雇用・就労", "Employment"),
    ("migration", "移住・定住", "Migration and settlement"),
    ("diversity", "多様性・共生", "Diversity and inclusion"),
    ("other", "その他", "Other"),
]
