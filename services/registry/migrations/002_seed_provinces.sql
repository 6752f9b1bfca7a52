-- The 63 provincial units in force until the 2025 reform (codes of Decision 124/2004/QĐ-TTg),
-- Thừa Thiên Huế becoming the city of Huế on 2025-01-01, and the 34 units from 2025-07-01
-- (Resolution 202/2025/QH15, codes of Decision 19/2025/QĐ-TTg). successor links each ended unit
-- to the unit, valid from the next day, that absorbed it.
CREATE TEMPORARY TABLE seed_provinces (code char(2), name text, kind text, valid_from date, valid_to date, successor_code char(2)) ON COMMIT DROP;
INSERT INTO seed_provinces VALUES
    ('01', 'Hà Nội', 'city', NULL, NULL, NULL),
    ('02', 'Hà Giang', 'province', NULL, '2025-06-30', '08'),
    ('04', 'Cao Bằng', 'province', NULL, NULL, NULL),
    ('06', 'Bắc Kạn', 'province', NULL, '2025-06-30', '19'),
    ('08', 'Tuyên Quang', 'province', NULL, '2025-06-30', '08'),
    ('10', 'Lào Cai', 'province', NULL, '2025-06-30', '15'),
    ('11', 'Điện Biên', 'province', NULL, NULL, NULL),
    ('12', 'Lai Châu', 'province', NULL, NULL, NULL),
    ('14', 'Sơn La', 'province', NULL, NULL, NULL),
    ('15', 'Yên Bái', 'province', NULL, '2025-06-30', '15'),
    ('17', 'Hòa Bình', 'province', NULL, '2025-06-30', '25'),
    ('19', 'Thái Nguyên', 'province', NULL, '2025-06-30', '19'),
    ('20', 'Lạng Sơn', 'province', NULL, NULL, NULL),
    ('22', 'Quảng Ninh', 'province', NULL, NULL, NULL),
    ('24', 'Bắc Giang', 'province', NULL, '2025-06-30', '24'),
    ('25', 'Phú Thọ', 'province', NULL, '2025-06-30', '25'),
    ('26', 'Vĩnh Phúc', 'province', NULL, '2025-06-30', '25'),
    ('27', 'Bắc Ninh', 'province', NULL, '2025-06-30', '24'),
    ('30', 'Hải Dương', 'province', NULL, '2025-06-30', '31'),
    ('31', 'Hải Phòng', 'city', NULL, '2025-06-30', '31'),
    ('33', 'Hưng Yên', 'province', NULL, '2025-06-30', '33'),
    ('34', 'Thái Bình', 'province', NULL, '2025-06-30', '33'),
    ('35', 'Hà Nam', 'province', NULL, '2025-06-30', '37'),
    ('36', 'Nam Định', 'province', NULL, '2025-06-30', '37'),
    ('37', 'Ninh Bình', 'province', NULL, '2025-06-30', '37'),
    ('38', 'Thanh Hóa', 'province', NULL, NULL, NULL),
    ('40', 'Nghệ An', 'province', NULL, NULL, NULL),
    ('42', 'Hà Tĩnh', 'province', NULL, NULL, NULL),
    ('44', 'Quảng Bình', 'province', NULL, '2025-06-30', '44'),
    ('45', 'Quảng Trị', 'province', NULL, '2025-06-30', '44'),
    ('46', 'Thừa Thiên Huế', 'province', NULL, '2024-12-31', '46'),
    ('48', 'Đà Nẵng', 'city', NULL, '2025-06-30', '48'),
    ('49', 'Quảng Nam', 'province', NULL, '2025-06-30', '48'),
    ('51', 'Quảng Ngãi', 'province', NULL, '2025-06-30', '51'),
    ('52', 'Bình Định', 'province', NULL, '2025-06-30', '52'),
    ('54', 'Phú Yên', 'province', NULL, '2025-06-30', '66'),
    ('56', 'Khánh Hòa', 'province', NULL, '2025-06-30', '56'),
    ('58', 'Ninh Thuận', 'province', NULL, '2025-06-30', '56'),
    ('60', 'Bình Thuận', 'province', NULL, '2025-06-30', '68'),
    ('62', 'Kon Tum', 'province', NULL, '2025-06-30', '51'),
    ('64', 'Gia Lai', 'province', NULL, '2025-06-30', '52'),
    ('66', 'Đắk Lắk', 'province', NULL, '2025-06-30', '66'),
    ('67', 'Đắk Nông', 'province', NULL, '2025-06-30', '68'),
    ('68', 'Lâm Đồng', 'province', NULL, '2025-06-30', '68'),
    ('70', 'Bình Phước', 'province', NULL, '2025-06-30', '75'),
    ('72', 'Tây Ninh', 'province', NULL, '2025-06-30', '80'),
    ('74', 'Bình Dương', 'province', NULL, '2025-06-30', '79'),
    ('75', 'Đồng Nai', 'province', NULL, '2025-06-30', '75'),
    ('77', 'Bà Rịa - Vũng Tàu', 'province', NULL, '2025-06-30', '79'),
    ('79', 'Thành phố Hồ Chí Minh', 'city', NULL, '2025-06-30', '79'),
    ('80', 'Long An', 'province', NULL, '2025-06-30', '80'),
    ('82', 'Tiền Giang', 'province', NULL, '2025-06-30', '82'),
    ('83', 'Bến Tre', 'province', NULL, '2025-06-30', '86'),
    ('84', 'Trà Vinh', 'province', NULL, '2025-06-30', '86'),
    ('86', 'Vĩnh Long', 'province', NULL, '2025-06-30', '86'),
    ('87', 'Đồng Tháp', 'province', NULL, '2025-06-30', '82'),
    ('89', 'An Giang', 'province', NULL, '2025-06-30', '91'),
    ('91', 'Kiên Giang', 'province', NULL, '2025-06-30', '91'),
    ('92', 'Cần Thơ', 'city', NULL, '2025-06-30', '92'),
    ('93', 'Hậu Giang', 'province', NULL, '2025-06-30', '92'),
    ('94', 'Sóc Trăng', 'province', NULL, '2025-06-30', '92'),
    ('95', 'Bạc Liêu', 'province', NULL, '2025-06-30', '96'),
    ('96', 'Cà Mau', 'province', NULL, '2025-06-30', '96'),
    ('46', 'Huế', 'city', '2025-01-01', NULL, NULL),
    ('08', 'Tuyên Quang', 'province', '2025-07-01', NULL, NULL),
    ('15', 'Lào Cai', 'province', '2025-07-01', NULL, NULL),
    ('19', 'Thái Nguyên', 'province', '2025-07-01', NULL, NULL),
    ('24', 'Bắc Ninh', 'province', '2025-07-01', NULL, NULL),
    ('25', 'Phú Thọ', 'province', '2025-07-01', NULL, NULL),
    ('31', 'Hải Phòng', 'city', '2025-07-01', NULL, NULL),
    ('33', 'Hưng Yên', 'province', '2025-07-01', NULL, NULL),
    ('37', 'Ninh Bình', 'province', '2025-07-01', NULL, NULL),
    ('44', 'Quảng Trị', 'province', '2025-07-01', NULL, NULL),
    ('48', 'Đà Nẵng', 'city', '2025-07-01', NULL, NULL),
    ('51', 'Quảng Ngãi', 'province', '2025-07-01', NULL, NULL),
    ('52', 'Gia Lai', 'province', '2025-07-01', NULL, NULL),
    ('56', 'Khánh Hòa', 'province', '2025-07-01', NULL, NULL),
    ('66', 'Đắk Lắk', 'province', '2025-07-01', NULL, NULL),
    ('68', 'Lâm Đồng', 'province', '2025-07-01', NULL, NULL),
    ('75', 'Đồng Nai', 'province', '2025-07-01', NULL, NULL),
    ('79', 'Thành phố Hồ Chí Minh', 'city', '2025-07-01', NULL, NULL),
    ('80', 'Tây Ninh', 'province', '2025-07-01', NULL, NULL),
    ('82', 'Đồng Tháp', 'province', '2025-07-01', NULL, NULL),
    ('86', 'Vĩnh Long', 'province', '2025-07-01', NULL, NULL),
    ('91', 'An Giang', 'province', '2025-07-01', NULL, NULL),
    ('92', 'Cần Thơ', 'city', '2025-07-01', NULL, NULL),
    ('96', 'Cà Mau', 'province', '2025-07-01', NULL, NULL);

INSERT INTO provinces (code, name, kind, valid_from, valid_to)
SELECT code, name, kind, valid_from, valid_to FROM seed_provinces;

UPDATE provinces p
   SET successor_id = s.id
  FROM seed_provinces sp, provinces s
 WHERE sp.code = p.code AND sp.valid_to = p.valid_to AND sp.successor_code IS NOT NULL
   AND s.code = sp.successor_code AND s.valid_from = p.valid_to + 1;

DO $$
BEGIN
    IF (SELECT count(*) FROM provinces WHERE valid_to IS NOT NULL AND successor_id IS NULL) > 0 THEN
        RAISE EXCEPTION 'province seed: an ended unit has no successor';
    END IF;
END $$;
