SELECT details FROM imports WHERE import_id = $import_id
