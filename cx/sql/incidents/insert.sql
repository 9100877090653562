INSERT INTO incidents SELECT * FROM staged_incidents
