SELECT imported_by FROM imports WHERE import_id = $import_id
